// Reloads that leave what did not change alone. Two clusters watch the same primary and replica,
// told apart on the servers by the database they connect to (alpha: postgres, beta: fleet_b). A
// poller asks alpha's primary probe, alpha's replica probe and /readyz every 20 ms, and scrapes
// pgvigil_cycles_total every ~100 ms, through four reloads: (a) the same file again, (b) one of
// alpha's thresholds changed, (c) a cluster added (gamma: fleet_c), (d) beta's conninfo changed.
// Alpha's answers are 200 throughout, its sessions on both servers are the ones it had before the
// first reload, and its cycle counters never go down; the threshold, the new cluster and beta's
// new sessions all take effect within a bound. Beta's primary probe is asked as often and its
// answers printed, not judged.
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

constexpr auto kPollEvery = 20ms;
constexpr auto kEffectLimit = 15s;  // a reload's effect: a rebuilt member's first cycles on a loaded machine
constexpr int kCyclesAfterEachReload = 3;

const std::string kAlphaPrimaryProbe = "/clusters/alpha/primary";
const std::string kAlphaReplicaProbe = "/clusters/alpha/members/a2/replica";
const std::vector<std::string> kPolled{kAlphaPrimaryProbe, kAlphaReplicaProbe, "/readyz"};
// Beta's probe is asked as often, for the record only: beta's members are rebuilt by step (d).
const std::string kBetaPrimaryProbe = "/clusters/beta/primary";
const std::vector<std::string> kAlphaMembers{"a1", "a2"};

// What the poller saw; read once it has stopped.
struct PollLog {
  int rounds = 0;
  int answers = 0;
  double slowest_ms = 0;
  std::vector<std::string> bad_answers;      // "t=1.234s GET path -> 503 body"
  std::vector<std::string> beta_not_200;     // "t=1.234s 503"
  std::vector<std::string> cycle_decreases;  // "t=… a1 12 -> 0"
  std::map<std::string, double> last_cycles;
  int scrapes = 0;
};

class ReloadPoller {
 public:
  explicit ReloadPoller(int port) : port_(port) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  // Stops the thread and hands over what it saw.
  PollLog finish() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    return std::move(log_);
  }
  // The latest alpha cycle counts seen (for waits in the test thread).
  std::map<std::string, double> cycles() const {
    std::lock_guard lock(mutex_);
    return cycles_;
  }

 private:
  void run(std::stop_token stop) {
    const auto started = std::chrono::steady_clock::now();
    httplib::Client client("127.0.0.1", port_);
    client.set_keep_alive(true);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    auto next = started;
    while (!stop.stop_requested()) {
      for (const auto& path : kPolled) {
        const auto sent = std::chrono::steady_clock::now();
        auto result = client.Get(path);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
        log_.slowest_ms = std::max(log_.slowest_ms, ms);
        ++log_.answers;
        if (!result || result->status != 200) {
          char at[32];
          std::snprintf(at, sizeof at, "t=%.3fs ", seconds_since(started));
          log_.bad_answers.push_back(std::string(at) + "GET " + path + " -> " +
                                     (result ? std::to_string(result->status) + " " + result->body.substr(0, 300)
                                             : "no answer: " + httplib::to_string(result.error())));
        }
      }
      if (auto beta = client.Get(kBetaPrimaryProbe); !beta || beta->status != 200) {
        char at[48];
        std::snprintf(at, sizeof at, "t=%.3fs %d", seconds_since(started), beta ? beta->status : 0);
        log_.beta_not_200.push_back(at);
      }
      if (log_.rounds++ % 5 == 0) scrape_cycles(client, started);
      next += kPollEvery;
      const auto now = std::chrono::steady_clock::now();
      if (next < now) next = now;  // a slow answer: keep the pace from here, do not burst
      std::this_thread::sleep_until(next);
    }
  }

  void scrape_cycles(httplib::Client& client, std::chrono::steady_clock::time_point started) {
    auto result = client.Get("/metrics");
    if (!result || result->status != 200) return;  // the probes above report a daemon that does not answer
    ++log_.scrapes;
    for (const auto& member : kAlphaMembers) {
      const auto value = member_sample(result->body, "pgvigil_cycles_total", "alpha", member);
      const auto last = log_.last_cycles.find(member);
      char at[32];
      std::snprintf(at, sizeof at, "t=%.3fs ", seconds_since(started));
      if (!value) {
        if (last != log_.last_cycles.end()) {
          log_.cycle_decreases.push_back(std::string(at) + member + " " + std::to_string(last->second) +
                                         " -> (series gone)");
        }
        continue;
      }
      if (last != log_.last_cycles.end() && *value < last->second) {
        log_.cycle_decreases.push_back(std::string(at) + member + " " + std::to_string(last->second) + " -> " +
                                       std::to_string(*value));
      }
      log_.last_cycles[member] = *value;
    }
    std::lock_guard lock(mutex_);
    cycles_ = log_.last_cycles;
  }

  const int port_;
  PollLog log_;  // poller thread only, until finish()
  mutable std::mutex mutex_;
  std::map<std::string, double> cycles_;
  std::jthread thread_;  // last: uses everything above
};

// A cluster of two members on the shared servers, connecting to `dbname`.
FleetCluster on_pair(const PgCluster& pg, const std::string& name, const std::string& prefix,
                     const std::string& dbname) {
  FleetCluster cluster;
  cluster.name = name;
  cluster.password_file = pg.password_file();
  cluster.members = {{prefix + "1", pg.port(PgCluster::kPrimary), dbname, ""},
                     {prefix + "2", pg.port(PgCluster::kReplica), dbname, ""}};
  // Both sessions open from the start, so the set of PIDs is settled before the first reload.
  cluster.pool = "{ min: 2, max: 2 }";
  // This test is about reloads, not round-trip times on a loaded test machine.
  cluster.checks["connectivity"] = "{ warning: 2s }";
  return cluster;
}

// Alpha's sessions: the database postgres on each server.
std::map<int, std::set<int>> sessions_in(const PgCluster& pg, const std::string& dbname) {
  return {{PgCluster::kPrimary, daemon_sessions(pg, PgCluster::kPrimary, dbname)},
          {PgCluster::kReplica, daemon_sessions(pg, PgCluster::kReplica, dbname)}};
}

std::string describe(const std::map<int, std::set<int>>& sessions) {
  return "primary " + pid_list(sessions.at(PgCluster::kPrimary)) + ", replica " +
         pid_list(sessions.at(PgCluster::kReplica));
}

bool disjoint(const std::set<int>& a, const std::set<int>& b) {
  for (int pid : a) {
    if (b.contains(pid)) return false;
  }
  return true;
}

// Waits until every alpha member finished `cycles` more cycles than in `from`, as the poller saw.
bool wait_alpha_cycles(const ReloadPoller& poller, const std::map<std::string, double>& from, int cycles) {
  return poll_until(
      [&] {
        const auto now = poller.cycles();
        for (const auto& member : kAlphaMembers) {
          const auto was = from.find(member);
          const auto is = now.find(member);
          if (is == now.end() || (was != from.end() && is->second < was->second + cycles)) return false;
        }
        return true;
      },
      kEffectLimit, 50ms);
}

// Creates `dbname` with pg_stat_statements in it, and waits until the replica has it too.
void create_database(const PgCluster& pg, const std::string& dbname) {
  pg.exec(PgCluster::kPrimary, "CREATE DATABASE " + dbname);
  testing::run_sql(pg.conninfo(PgCluster::kPrimary, "postgres", dbname), "CREATE EXTENSION pg_stat_statements");
  const bool replayed = poll_until(
      [&] {
        try {
          return !testing::run_sql(pg.conninfo(PgCluster::kReplica, "postgres", dbname),
                                   "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'", 5s)
                      .empty();
        } catch (const std::exception&) {
          return false;
        }
      },
      30s, 100ms);
  if (!replayed) throw std::runtime_error("the replica did not replay database " + dbname);
}

TEST(HitlessReload, ProbesAnswer200Every20msThroughFourKindsOfReload) {
  auto pg = PgCluster::start({});
  create_database(pg, "fleet_b");
  create_database(pg, "fleet_c");
  TempDir dir;
  FleetCluster alpha = on_pair(pg, "alpha", "a", "postgres");
  FleetCluster beta = on_pair(pg, "beta", "b", "fleet_b");
  const FleetCluster gamma = on_pair(pg, "gamma", "g", "fleet_c");
  FleetDaemon daemon(dir, {alpha, beta});
  ASSERT_TRUE(poll_until([&] { return daemon.get("/readyz").status == 200; }, kEffectLimit)) << daemon.log();
  Json health;
  ASSERT_TRUE(poll_until(
      [&] {
        health = daemon.health();
        return all_members_healthy(health, "alpha") && all_members_healthy(health, "beta") &&
               daemon.get(kAlphaReplicaProbe).status == 200;
      },
      kEffectLimit, 50ms))
      << health.dump(2);

  // A client session of someone else's on the primary, for the connections check to count once
  // step (b) lowers its threshold.
  PgSession client(pg.port(PgCluster::kPrimary), "app");

  // Both pools are full (min = max = 2) before anything is compared.
  std::map<int, std::set<int>> alpha_before;
  ASSERT_TRUE(poll_until(
      [&] {
        alpha_before = sessions_in(pg, "postgres");
        return alpha_before[PgCluster::kPrimary].size() == 2 && alpha_before[PgCluster::kReplica].size() == 2;
      },
      kEffectLimit, 100ms))
      << "alpha's sessions: " << describe(alpha_before);
  std::map<int, std::set<int>> beta_before;
  ASSERT_TRUE(poll_until(
      [&] {
        beta_before = sessions_in(pg, "fleet_b");
        return beta_before[PgCluster::kPrimary].size() == 2 && beta_before[PgCluster::kReplica].size() == 2;
      },
      kEffectLimit, 100ms))
      << "beta's sessions: " << describe(beta_before);
  std::printf("alpha's sessions before the reloads: %s; beta's: %s\n", describe(alpha_before).c_str(),
              describe(beta_before).c_str());

  ReloadPoller poller(daemon.port());
  ASSERT_TRUE(wait_alpha_cycles(poller, {}, 0)) << "no cycle count scraped";
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> steps;  // what happened when, for the report

  // (a) The same file again.
  auto cycles = poller.cycles();
  ASSERT_TRUE(daemon.reload_by_signal(1)) << daemon.log();
  steps.emplace_back("(a) unchanged file reloaded", seconds_since(started));
  EXPECT_TRUE(wait_alpha_cycles(poller, cycles, kCyclesAfterEachReload)) << "alpha stopped cycling after (a)";

  // (b) One of alpha's thresholds: any client session makes the primary warn about connections.
  alpha.checks["connections"] = "{ warning: 0.001 }";
  daemon.rewrite({alpha, beta});
  cycles = poller.cycles();
  ASSERT_TRUE(daemon.reload_by_signal(2)) << daemon.log();
  steps.emplace_back("(b) alpha's connections threshold changed", seconds_since(started));
  const Json warned = poll_member_in(daemon, "alpha", "a1", [](const Json& m) {
    const Json* reason = reason_of(m, "connections");
    return reason != nullptr && reason->value("severity", "") == "warning";
  });
  EXPECT_NE(reason_of(warned, "connections"), nullptr) << "the new threshold is not in force: " << warned.dump(2);
  steps.emplace_back("(b) in force", seconds_since(started));
  EXPECT_TRUE(wait_alpha_cycles(poller, cycles, kCyclesAfterEachReload)) << "alpha stopped cycling after (b)";

  // (c) A cluster added.
  daemon.rewrite({alpha, beta, gamma});
  cycles = poller.cycles();
  ASSERT_TRUE(daemon.reload_by_signal(3)) << daemon.log();
  steps.emplace_back("(c) cluster gamma added", seconds_since(started));
  EXPECT_TRUE(poll_until([&] { return all_members_healthy(health = daemon.health(), "gamma"); }, kEffectLimit, 50ms))
      << "gamma did not appear healthy: " << cluster_in(health, "gamma").dump(2);
  steps.emplace_back("(c) gamma healthy", seconds_since(started));
  EXPECT_TRUE(wait_alpha_cycles(poller, cycles, kCyclesAfterEachReload)) << "alpha stopped cycling after (c)";

  // (d) Beta's conninfo: one more libpq keyword on both members.
  for (auto& member : beta.members) member.extra_conninfo = "connect_timeout=7";
  daemon.rewrite({alpha, beta, gamma});
  cycles = poller.cycles();
  ASSERT_TRUE(daemon.reload_by_signal(4)) << daemon.log();
  steps.emplace_back("(d) beta's conninfo changed", seconds_since(started));
  std::map<int, std::set<int>> beta_after;
  EXPECT_TRUE(poll_until(
      [&] {
        beta_after = sessions_in(pg, "fleet_b");
        const bool renewed = !beta_after[PgCluster::kPrimary].empty() && !beta_after[PgCluster::kReplica].empty() &&
                             disjoint(beta_after[PgCluster::kPrimary], beta_before[PgCluster::kPrimary]) &&
                             disjoint(beta_after[PgCluster::kReplica], beta_before[PgCluster::kReplica]);
        return renewed && all_members_healthy(health = daemon.health(), "beta");
      },
      kEffectLimit, 100ms))
      << "beta's sessions were " << describe(beta_before) << ", now " << describe(beta_after) << "\n"
      << cluster_in(health, "beta").dump(2);
  steps.emplace_back("(d) beta healthy on new sessions", seconds_since(started));
  EXPECT_TRUE(wait_alpha_cycles(poller, cycles, kCyclesAfterEachReload)) << "alpha stopped cycling after (d)";

  const PollLog seen = poller.finish();
  const auto alpha_after = sessions_in(pg, "postgres");
  for (const auto& [what, at] : steps) std::printf("t=%.3fs %s\n", at, what.c_str());
  std::printf("poller: %d rounds, %d answers, %zu not 200, slowest %.1f ms; %d scrapes, alpha cycles at the end:",
              seen.rounds, seen.answers, seen.bad_answers.size(), seen.slowest_ms, seen.scrapes);
  for (const auto& [member, count] : seen.last_cycles) std::printf(" %s=%.0f", member.c_str(), count);
  std::printf("\nalpha's sessions after: %s; beta's: %s\n", describe(alpha_after).c_str(),
              describe(beta_after).c_str());
  // Not asserted: how beta's primary probe fared while beta's members were rebuilt.
  std::string beta_record = std::to_string(seen.beta_not_200.size()) + " times";
  if (!seen.beta_not_200.empty()) {
    beta_record += ", first " + seen.beta_not_200.front() + ", last " + seen.beta_not_200.back();
  }
  std::printf("beta's primary probe was not 200 %s (for the record)\n", beta_record.c_str());

  std::string bad;
  for (std::size_t i = 0; i < seen.bad_answers.size() && i < 15; ++i) bad += "\n  " + seen.bad_answers[i];
  EXPECT_TRUE(seen.bad_answers.empty()) << seen.bad_answers.size() << " of " << seen.answers
                                        << " answers were not 200, first ones:" << bad;
  std::string decreases;
  for (std::size_t i = 0; i < seen.cycle_decreases.size() && i < 10; ++i) decreases += "\n  " + seen.cycle_decreases[i];
  EXPECT_TRUE(seen.cycle_decreases.empty()) << "pgvigil_cycles_total of alpha went down:" << decreases;
  EXPECT_EQ(alpha_after, alpha_before) << "alpha's sessions were " << describe(alpha_before) << ", now "
                                       << describe(alpha_after);
  // The poller kept its pace: 20 ms between rounds, a little more for the answers themselves.
  EXPECT_GE(seen.rounds, static_cast<int>(seconds_since(started) / 0.05)) << "the poller fell behind";
}

}  // namespace
}  // namespace pgvigil::acceptance
