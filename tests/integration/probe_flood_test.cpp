// A load balancer's worth of probes: 64 kept-alive connections ask the primary and replica probes
// as fast as they are answered for 30 s. Every answer must be the right one (200, naming the
// member asked about), and the verdicts must not move: /health, read every half second during
// the flood, shows each member with the status, reachability and reasons it had before, the
// connectivity check included (its default 100ms warning), while the health cycles keep running.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fleet_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

constexpr int kConnections = 64;
constexpr auto kFlood = 30s;
constexpr auto kHealthEvery = 500ms;
constexpr double kInterval = 0.5;  // health.interval below, in seconds
// The clients run at a lower priority than the daemon: on a real deployment the load balancers'
// CPUs are not the daemon's, and here 64 client threads share two cores with it.
constexpr int kClientNice = 10;

struct Probe {
  std::string path;
  std::string member;  // the member whose document a 200 carries
};

const std::vector<Probe> kProbes{{"/clusters/c/primary", "db1"},
                                 {"/clusters/c/members/db1/primary", "db1"},
                                 {"/clusters/c/members/db2/replica", "db2"}};

struct FloodResult {
  std::mutex mutex;
  std::vector<std::string> wrong;  // the first few wrong answers
  std::atomic<long> answers{0};
  std::atomic<long> wrong_count{0};
  std::vector<double> latencies_ms;  // merged after the threads end
};

void flood_connection(int port, int index, std::chrono::steady_clock::time_point until, FloodResult& result,
                      std::vector<double>& latencies) {
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kClientNice);
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  latencies.reserve(20000);
  for (std::size_t i = static_cast<std::size_t>(index); std::chrono::steady_clock::now() < until; ++i) {
    const Probe& probe = kProbes[i % kProbes.size()];
    const auto sent = std::chrono::steady_clock::now();
    auto answer = client.Get(probe.path);
    latencies.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
    ++result.answers;
    const bool right = answer && answer->status == 200 &&
                       answer->body.find("\"name\":\"" + probe.member + "\"") != std::string::npos;
    if (right) continue;
    ++result.wrong_count;
    std::lock_guard lock(result.mutex);
    if (result.wrong.size() < 10) {
      result.wrong.push_back("GET " + probe.path + " -> " +
                             (answer ? std::to_string(answer->status) + " " + answer->body.substr(0, 300)
                                     : "no answer: " + httplib::to_string(answer.error())));
    }
  }
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

struct Verdict {
  std::string status;
  bool reachable = false;
  std::set<std::string> reasons;

  bool operator==(const Verdict&) const = default;
  std::string describe() const {
    return status + (reachable ? "" : " (unreachable)") + ", reasons " + joined(reasons);
  }
};

Verdict verdict_of(const Json& member) {
  return {status_of(member), member.is_object() && member.value("reachable", false), reason_keys(member)};
}

std::map<std::string, double> cycles_of(const FleetDaemon& daemon) {
  const std::string metrics = daemon.get("/metrics").body;
  std::map<std::string, double> cycles;
  for (const auto* member : {"db1", "db2"}) {
    cycles[member] = member_sample(metrics, "pgvigil_cycles_total", "c", member).value_or(-1);
  }
  return cycles;
}

TEST(ProbeFlood, SixtyFourConnectionsFor30sChangeNoVerdict) {
  auto pg = PgCluster::start({});
  TempDir dir;
  FleetCluster cluster;
  cluster.name = "c";
  cluster.password_file = pg.password_file();
  cluster.members = {{"db1", pg.port(PgCluster::kPrimary), "postgres", ""},
                     {"db2", pg.port(PgCluster::kReplica), "postgres", ""}};
  cluster.interval = "500ms";
  FleetDaemon daemon(dir, {cluster});
  ASSERT_TRUE(poll_until([&] { return daemon.get("/readyz").status == 200; }, 15s)) << daemon.log();

  // The baseline: both members healthy, the replica's lag known (its probe answers 200), and the
  // same verdicts over three cycles in a row.
  std::map<std::string, Verdict> baseline;
  std::set<std::string> steady_cycles;
  Json health;
  ASSERT_TRUE(poll_until(
      [&] {
        health = daemon.health();
        std::map<std::string, Verdict> now;
        for (const auto* member : {"db1", "db2"}) now[member] = verdict_of(member_in(health, "c", member));
        const bool healthy = all_members_healthy(health, "c") &&
                             daemon.get("/clusters/c/members/db2/replica").status == 200;
        if (!healthy || now != baseline) {
          baseline = now;
          steady_cycles.clear();
          return false;
        }
        steady_cycles.insert(member_in(health, "c", "db1").value("checked_at", ""));
        return steady_cycles.size() >= 3;
      },
      20s, 50ms))
      << health.dump(2);
  for (const auto& [member, verdict] : baseline) {
    std::printf("before the flood: %s %s\n", member.c_str(), verdict.describe().c_str());
  }

  const auto cycles_before = cycles_of(daemon);
  FloodResult result;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(kConnections));
  const auto started = std::chrono::steady_clock::now();
  const auto until = started + kFlood;
  std::vector<std::string> changes;  // "t=…s db1: healthy, … -> degraded, …"
  std::map<std::string, std::set<std::string>> cycles_seen;
  int health_reads = 0;
  int health_unanswered = 0;
  {
    std::vector<std::jthread> threads;
    threads.reserve(static_cast<std::size_t>(kConnections));
    for (int i = 0; i < kConnections; ++i) {
      threads.emplace_back(flood_connection, daemon.port(), i, until, std::ref(result),
                           std::ref(latencies[static_cast<std::size_t>(i)]));
    }
    for (auto next = started; std::chrono::steady_clock::now() < until;) {
      next += kHealthEvery;
      const HttpReply reply = daemon.get("/health");
      const Json doc = reply.json();
      if (reply.status == 0 || !doc.is_object()) {
        ++health_unanswered;
      } else {
        ++health_reads;
        for (const auto& [member, expected] : baseline) {
          const Json document = member_in(doc, "c", member);
          cycles_seen[member].insert(document.is_object() ? document.value("checked_at", "") : "");
          const Verdict now = verdict_of(document);
          if (now == expected) continue;
          char at[32];
          std::snprintf(at, sizeof at, "t=%.1fs ", seconds_since(started));
          changes.push_back(at + member + ": " + expected.describe() + " -> " + now.describe());
        }
      }
      std::this_thread::sleep_until(std::min(next, until));
    }
  }  // joins the flood
  const double flood_seconds = seconds_since(started);
  const auto cycles_after = cycles_of(daemon);

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double p50 = percentile(all, 0.50);
  const double p99 = percentile(all, 0.99);
  const double worst = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  std::printf("flood: %ld answers in %.1f s (%.0f/s) over %d connections, p50 %.2f ms, p99 %.2f ms, max %.1f ms;"
              " %ld wrong\n",
              result.answers.load(), flood_seconds, static_cast<double>(result.answers.load()) / flood_seconds,
              kConnections, p50, p99, worst, result.wrong_count.load());
  std::printf("/health read %d times during the flood (%d unanswered); cycles db1 %.0f -> %.0f, db2 %.0f -> %.0f\n",
              health_reads, health_unanswered, cycles_before.at("db1"), cycles_after.at("db1"),
              cycles_before.at("db2"), cycles_after.at("db2"));

  std::string wrong;
  for (const auto& w : result.wrong) wrong += "\n  " + w;
  EXPECT_EQ(result.wrong_count.load(), 0) << "wrong answers, first ones:" << wrong;
  EXPECT_GT(result.answers.load(), 0);
  std::string changed;
  for (std::size_t i = 0; i < changes.size() && i < 15; ++i) changed += "\n  " + changes[i];
  EXPECT_TRUE(changes.empty()) << changes.size() << " verdict changes during the flood:" << changed;
  EXPECT_EQ(health_unanswered, 0) << "/health went unanswered during the flood";
  EXPECT_GE(health_reads, 20) << "too few /health reads to judge the verdicts";
  // The verdicts held because the cycles ran, not because they stopped: at least half the cycles
  // due in the flood finished, and the snapshots read changed as often.
  const double due = flood_seconds / kInterval;
  for (const auto* member : {"db1", "db2"}) {
    EXPECT_GE(cycles_after.at(member) - cycles_before.at(member), due / 2) << member << ": the health cycles stalled";
    EXPECT_GE(static_cast<double>(cycles_seen[member].size()), std::min(due / 2, health_reads / 2.0))
        << member << ": /health showed the same cycle over and over";
  }
}

}  // namespace
}  // namespace pgvigil::acceptance
