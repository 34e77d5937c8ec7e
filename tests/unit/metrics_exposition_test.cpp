// The whole exposition of a rich snapshot: well-formed for Prometheus (promtool agrees), every
// family documented and typed, counters named as counters, and every promised family present.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "metrics/metrics_endpoint.h"
#include "util/clock.h"
#include "exposition_lines.h"
#include "member_builders.h"

namespace pgvigil::metrics {
namespace {

using health::MemberRole;
using health::Severity;

health::MemberSnapshot member(std::string name, MemberRole role) {
  health::MemberSnapshot m;
  m.name = std::move(name);
  m.role = role;
  m.reachable = true;
  m.checked = true;
  m.status = health::Status::healthy;
  m.latency_ms = 0.4;
  m.timeline = 3;
  m.connections = health::ConnectionsView{.used = 7, .max = 100, .reserved = 3, .by_state = {{"active", 2}, {"idle", 5}}};
  m.values = {{"connections", 0.07}, {"wraparound", 0.12}};
  m.check_seconds = {{"connections", 0.002}, {"wraparound", 0.004}};
  m.database_size_bytes = 8'000'000;
  m.pool = {.total = 2, .idle = 1, .in_use = 1, .max = 2, .acquires = 500, .acquire_wait_seconds_total = 0.3,
            .connects = 2};
  m.cycles = 60;
  m.last_cycle_seconds = 0.01;
  return m;
}

health::Reason reason(std::string check, Severity severity) {
  health::Reason r;
  r.check = std::move(check);
  r.severity = severity;
  return r;
}

health::ClusterSnapshot cluster(std::string name, std::optional<std::string> primary,
                                std::vector<health::MemberSnapshot> members) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  c.status = health::Status::unhealthy;
  c.primary = std::move(primary);
  c.members = std::move(members);
  return c;
}

health::Snapshot rich_snapshot(const Clock& clock) {
  auto replica = member("db2", MemberRole::replica);
  replica.status = health::Status::degraded;
  replica.replication = {.lag_seconds = 14.2, .lag_bytes = 1.5e6, .streaming = true};
  // Lag in seconds and in bytes: two reasons, one series.
  replica.reasons = {reason("replication_lag", Severity::warning), reason("replication_lag", Severity::warning)};
  auto down = member("db3", MemberRole::unknown);
  down.reachable = false;
  down.status = health::Status::unhealthy;
  down.connections.reset();
  down.reasons = {reason("unreachable", Severity::critical)};
  down.pool.circuit = pool::CircuitState::open;
  down.pool.connect_failures = 12;
  down.cycle_overruns = 1;

  auto main = cluster("main", "db1", {member("db1", MemberRole::primary), replica, down});

  auto fenced = member("b", MemberRole::primary);
  fenced.fenced = true;
  auto stranger = member("c", MemberRole::primary);
  stranger.foreign = true;
  auto edge = cluster("edge", "a", {member("a", MemberRole::primary), fenced, stranger});
  edge.split_brain = true;

  health::Snapshot s;
  s.taken_at = clock.wall_now() - std::chrono::seconds(2);
  s.version = "0.1.0";
  s.ready = true;
  s.clusters = builders::shared({main, edge});
  return s;
}

// Renders twice so the endpoint's own metrics carry observations too.
std::string render_rich() {
  ManualClock clock;
  auto snapshot = std::make_shared<const health::Snapshot>(rich_snapshot(clock));
  MetricsEndpoint endpoint([snapshot] { return snapshot; }, clock);
  endpoint.render();
  return endpoint.render();
}

// "# TYPE name kind" → name → kind
std::map<std::string, std::string> types_of(const std::vector<std::string>& lines) {
  std::map<std::string, std::string> types;
  for (const auto& line : lines) {
    std::istringstream words(line);
    std::string hash, keyword, name, kind;
    if (words >> hash >> keyword >> name >> kind && hash == "#" && keyword == "TYPE") types[name] = kind;
  }
  return types;
}

std::string sample_name(const std::string& line) { return line.substr(0, line.find_first_of("{ ")); }

// The family a sample belongs to: itself, or a histogram/summary it is a part of.
std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
  if (types.contains(sample)) return sample;
  for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
    if (sample.ends_with(suffix)) {
      const std::string base = sample.substr(0, sample.size() - suffix.size());
      if (types.contains(base) && types.at(base) != "counter" && types.at(base) != "gauge") return base;
    }
  }
  return {};
}

TEST(MetricsExposition, PromtoolFindsNothingToReport) {
  const std::filesystem::path promtool = "/usr/bin/promtool";
  if (!std::filesystem::exists(promtool)) GTEST_SKIP() << "promtool is not installed";
  const auto path = std::filesystem::path(testing::TempDir()) / "pgvigil_metrics_exposition.txt";
  std::ofstream(path) << render_rich();

  const std::string command = promtool.string() + " check metrics < '" + path.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output, "");
}

TEST(MetricsExposition, EveryFamilyHasHelpThenTypeAndEverySampleAFamily) {
  const auto lines = lines_of(render_rich());
  const auto types = types_of(lines);
  ASSERT_FALSE(types.empty());
  std::set<std::string> helped;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("# TYPE ")) continue;
    const std::string name = lines[i].substr(7, lines[i].find(' ', 7) - 7);
    const std::string help_prefix = "# HELP " + name + " ";
    ASSERT_GT(i, 0u) << name;
    EXPECT_TRUE(lines[i - 1].starts_with(help_prefix) && lines[i - 1].size() > help_prefix.size()) << name;
    helped.insert(name);
  }
  EXPECT_EQ(helped.size(), types.size()) << "a family is typed twice";
  for (const auto& line : lines) {
    if (line.starts_with("#")) continue;
    EXPECT_NE(family_of(sample_name(line), types), "") << "no TYPE for: " << line;
  }
}

TEST(MetricsExposition, CountersAndOnlyCountersEndInTotal) {
  const auto types = types_of(lines_of(render_rich()));
  ASSERT_TRUE(types.contains("pgvigil_pool_acquires_total"));
  for (const auto& [name, kind] : types) {
    EXPECT_EQ(kind == "counter", name.ends_with("_total")) << name << " is a " << kind;
  }
}

TEST(MetricsExposition, EverySeriesIsUnique) {
  std::set<std::string> series;
  for (const auto& line : lines_of(render_rich())) {
    if (line.starts_with("#")) continue;
    EXPECT_TRUE(series.insert(line.substr(0, line.rfind(' '))).second) << "duplicate: " << line;
  }
}

TEST(MetricsExposition, EveryPromisedFamilyIsPresent) {
  const auto types = types_of(lines_of(render_rich()));
  const std::map<std::string, std::string> promised = {
      {"pgvigil_build_info", "gauge"},
      {"pgvigil_up", "gauge"},
      {"pgvigil_ready", "gauge"},
      {"pgvigil_config_last_reload_successful", "gauge"},
      {"pgvigil_snapshot_age_seconds", "gauge"},
      {"pgvigil_cluster_status", "gauge"},
      {"pgvigil_cluster_has_primary", "gauge"},
      {"pgvigil_cluster_split_brain", "gauge"},
      {"pgvigil_member_up", "gauge"},
      {"pgvigil_member_status", "gauge"},
      {"pgvigil_member_fenced", "gauge"},
      {"pgvigil_member_foreign", "gauge"},
      {"pgvigil_member_latency_seconds", "gauge"},
      {"pgvigil_member_timeline", "gauge"},
      {"pgvigil_member_reasons", "gauge"},
      {"pgvigil_replication_lag_seconds", "gauge"},
      {"pgvigil_replication_lag_bytes", "gauge"},
      {"pgvigil_replication_streaming", "gauge"},
      {"pgvigil_replication_replay_paused", "gauge"},
      {"pgvigil_connections", "gauge"},
      {"pgvigil_connections_used", "gauge"},
      {"pgvigil_connections_max", "gauge"},
      {"pgvigil_check_value", "gauge"},
      {"pgvigil_check_duration_seconds", "gauge"},
      {"pgvigil_database_size_bytes", "gauge"},
      {"pgvigil_pool_connections", "gauge"},
      {"pgvigil_pool_waiting", "gauge"},
      {"pgvigil_pool_max", "gauge"},
      {"pgvigil_pool_acquires_total", "counter"},
      {"pgvigil_pool_acquire_timeouts_total", "counter"},
      {"pgvigil_pool_connects_total", "counter"},
      {"pgvigil_pool_connect_failures_total", "counter"},
      {"pgvigil_pool_validations_failed_total", "counter"},
      {"pgvigil_pool_rotations_total", "counter"},
      {"pgvigil_pool_idle_closed_total", "counter"},
      {"pgvigil_pool_lost_connections_total", "counter"},
      {"pgvigil_pool_circuit_open", "gauge"},
      {"pgvigil_pool_wait_seconds", "histogram"},
      {"pgvigil_cycles_total", "counter"},
      {"pgvigil_cycle_overruns_total", "counter"},
      {"pgvigil_cycle_duration_seconds", "gauge"},
      {"pgvigil_cycle_delay_seconds", "gauge"},
      {"pgvigil_scrapes_total", "counter"},
      {"pgvigil_scrape_duration_seconds", "histogram"},
      {"pgvigil_scrape_bytes", "gauge"},
  };
  for (const auto& [name, kind] : promised) {
    ASSERT_TRUE(types.contains(name)) << name << " is missing";
    EXPECT_EQ(types.at(name), kind) << name;
  }
  EXPECT_EQ(types.size(), promised.size()) << "a family is exported but not listed here";
}

}  // namespace
}  // namespace pgvigil::metrics
