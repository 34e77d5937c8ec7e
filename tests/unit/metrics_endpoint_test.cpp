// The endpoint over time: daemon-level families, its own scrape metrics, series that must vanish
// with their member, pool series, and concurrent scrapes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "health/snapshot_store.h"
#include "metrics/metrics_endpoint.h"
#include "util/clock.h"
#include "exposition_lines.h"
#include "member_builders.h"

namespace pgvigil::metrics {
namespace {

using health::MemberRole;
using testing::Contains;
using testing::HasSubstr;
using testing::Not;

health::ClusterSnapshot cluster(std::string name, const std::vector<std::string>& member_names) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  for (const auto& member_name : member_names) {
    health::MemberSnapshot m;
    m.name = member_name;
    m.role = MemberRole::replica;
    m.reachable = true;
    m.checked = true;
    m.replication.lag_seconds = 1;
    c.members.push_back(std::move(m));
  }
  return c;
}

class MetricsEndpointTest : public testing::Test {
 protected:
  health::Snapshot snapshot(std::vector<health::ClusterSnapshot> clusters = {}) const {
    health::Snapshot s;
    s.taken_at = clock_.wall_now();
    s.version = "9.8.7";
    s.ready = true;
    s.clusters = builders::shared(std::move(clusters));
    return s;
  }
  void publish(health::Snapshot s) {
    store_.publish(std::make_shared<const health::Snapshot>(std::move(s)));
  }
  std::vector<std::string> render() { return lines_of(endpoint_.render()); }

  ManualClock clock_;
  health::SnapshotStore store_;
  MetricsEndpoint endpoint_{[this] { return store_.current(); }, clock_};
};

TEST_F(MetricsEndpointTest, DaemonFamiliesFromTheSnapshot) {
  auto s = snapshot();
  s.config_reload_ok = false;
  publish(std::move(s));
  clock_.advance(std::chrono::milliseconds(5500));
  const auto lines = render();
  EXPECT_THAT(lines, Contains(R"(pgvigil_build_info{version="9.8.7"} 1)"));
  EXPECT_THAT(lines, Contains("pgvigil_up 1"));
  EXPECT_THAT(lines, Contains("pgvigil_ready 1"));
  EXPECT_THAT(lines, Contains("pgvigil_config_last_reload_successful 0"));
  EXPECT_THAT(lines, Contains("pgvigil_snapshot_age_seconds 5.5"));
}

TEST_F(MetricsEndpointTest, SnapshotFromTheFutureHasAgeZero) {
  auto s = snapshot();
  s.taken_at = clock_.wall_now() + std::chrono::seconds(2);
  publish(std::move(s));
  EXPECT_THAT(render(), Contains("pgvigil_snapshot_age_seconds 0"));
}

TEST_F(MetricsEndpointTest, BeforeTheFirstSnapshotTheDaemonIsUpButNotReady) {
  const auto lines = render();
  EXPECT_THAT(lines, Contains("pgvigil_build_info{version=\"" PGVIGIL_VERSION "\"} 1"));
  EXPECT_THAT(lines, Contains("pgvigil_up 1"));
  EXPECT_THAT(lines, Contains("pgvigil_ready 0"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_snapshot_age_seconds"))));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_config_last_reload_successful"))));
}

TEST_F(MetricsEndpointTest, MemberThatDisappearsLeavesNoStaleSeries) {
  publish(snapshot({cluster("main", {"db1", "db2"}), cluster("old", {"db9"})}));
  const auto before = render();
  ASSERT_THAT(before, Contains(HasSubstr(R"(member="db2")")));
  ASSERT_THAT(before, Contains(HasSubstr(R"(cluster="old")")));

  publish(snapshot({cluster("main", {"db1"})}));
  const auto after = render();
  EXPECT_THAT(after, Contains(HasSubstr(R"(member="db1")")));
  EXPECT_THAT(after, Not(Contains(HasSubstr(R"(member="db2")"))));
  EXPECT_THAT(after, Not(Contains(HasSubstr(R"(cluster="old")"))));
}

TEST_F(MetricsEndpointTest, RoleChangeReplacesTheRoleSeries) {
  publish(snapshot({cluster("main", {"db2"})}));
  ASSERT_THAT(render(), Contains(R"(pgvigil_member_up{cluster="main",member="db2",role="replica"} 1)"));
  auto promoted = cluster("main", {"db2"});
  promoted.members[0].role = MemberRole::primary;
  publish(snapshot({promoted}));
  const auto lines = render();
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="db2",role="primary"} 1)"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr(R"(role="replica")"))));
}

TEST_F(MetricsEndpointTest, PoolSeries) {
  auto main = cluster("main", {"db1", "db2"});
  main.members[0].pool = {.total = 3, .idle = 2, .in_use = 1, .waiting = 4, .max = 5, .acquires = 1000, .acquire_timeouts = 7,
          .acquire_wait_seconds_total = 1.5, .acquire_wait_counts = {990, 3, 0, 0, 0, 0, 0, 2, 5}, .connects = 9, .connect_failures = 6, .validations_failed = 1,
          .rotations = 2, .idle_closed = 3, .lost_detected = 8, .circuit = pool::CircuitState::half_open};
  publish(snapshot({main}));
  const auto lines = render();
  const std::string db1 = R"({cluster="main",member="db1")";
  EXPECT_THAT(lines, Contains(R"(pgvigil_pool_connections{cluster="main",member="db1",state="idle"} 2)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_pool_connections{cluster="main",member="db1",state="in_use"} 1)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_waiting" + db1 + "} 4"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_max" + db1 + "} 5"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_acquires_total" + db1 + "} 1000"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_acquire_timeouts_total" + db1 + "} 7"));
  // Buckets are cumulative: 990 within 0.5 ms, 993 within 2 ms, 995 within 10 s, 1000 in all.
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_bucket" + db1 + R"(,le="0.0005"} 990)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_bucket" + db1 + R"(,le="0.002"} 993)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_bucket" + db1 + R"(,le="2.5"} 993)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_bucket" + db1 + R"(,le="10"} 995)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_bucket" + db1 + R"(,le="+Inf"} 1000)"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_sum" + db1 + "} 1.5"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_wait_seconds_count" + db1 + "} 1000"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_connects_total" + db1 + "} 9"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_connect_failures_total" + db1 + "} 6"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_validations_failed_total" + db1 + "} 1"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_rotations_total" + db1 + "} 2"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_idle_closed_total" + db1 + "} 3"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_lost_connections_total" + db1 + "} 8"));
  EXPECT_THAT(lines, Contains("pgvigil_pool_circuit_open" + db1 + "} 1")) << "half-open counts as open";
  EXPECT_THAT(lines, Contains(R"(pgvigil_pool_circuit_open{cluster="main",member="db2"} 0)"));
}

TEST_F(MetricsEndpointTest, SelfMetricsDescribeEarlierRenders) {
  publish(snapshot());
  const std::string first = endpoint_.render();
  EXPECT_THAT(lines_of(first), Contains("pgvigil_scrapes_total 0"));
  const auto second = render();
  EXPECT_THAT(second, Contains("pgvigil_scrapes_total 1"));
  EXPECT_THAT(second, Contains("pgvigil_scrape_bytes " + std::to_string(first.size())));
  EXPECT_THAT(second, Contains("pgvigil_scrape_duration_seconds_count 1"));
}

TEST_F(MetricsEndpointTest, ConcurrentRendersAreAllCounted) {
  publish(snapshot({cluster("main", {"db1", "db2"})}));
  constexpr int kThreads = 4;
  constexpr int kRendersEach = 50;
  std::atomic<int> incomplete{0};
  {
    std::vector<std::jthread> scrapers;
    for (int t = 0; t < kThreads; ++t) {
      scrapers.emplace_back([&] {
        for (int i = 0; i < kRendersEach; ++i) {
          if (endpoint_.render().find("pgvigil_scrapes_total") == std::string::npos) ++incomplete;
        }
      });
    }
    for (int i = 0; i < kRendersEach; ++i) publish(snapshot({cluster("main", {i % 2 == 0 ? "db1" : "db2"})}));
  }
  EXPECT_EQ(incomplete.load(), 0);
  EXPECT_THAT(render(), Contains("pgvigil_scrapes_total " + std::to_string(kThreads * kRendersEach)));
}

}  // namespace
}  // namespace pgvigil::metrics
