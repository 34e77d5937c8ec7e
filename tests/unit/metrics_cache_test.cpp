// A scrape reuses the text rendered for its snapshot and writes only the snapshot's age and the
// scrape metrics afresh. The answer must still be, byte for byte, what serializing every family
// with prometheus-cpp gives, and must follow each new snapshot and each passing second.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "health/snapshot_store.h"
#include "metrics/exposition_cache.h"
#include "metrics/metrics_endpoint.h"
#include "metrics/snapshot_families.h"
#include "util/clock.h"
#include "exposition_lines.h"
#include "member_builders.h"

namespace pgvigil::metrics {
namespace {

using namespace std::chrono_literals;
using health::MemberRole;
using testing::Contains;
using testing::HasSubstr;
using testing::Not;

health::MemberSnapshot member(std::string name, MemberRole role, double latency_ms) {
  health::MemberSnapshot m = builders::healthy_member(std::move(name), role, 2);
  m.status = health::Status::degraded;
  m.latency_ms = latency_ms;
  m.reasons = {builders::bare_reason("connections", health::Severity::warning)};
  m.connections = health::ConnectionsView{.used = 7, .max = 100, .reserved = 3, .by_state = {{"active", 2}, {"idle", 5}}};
  m.values = {{"connections", 0.07}};
  m.check_seconds = {{"connections", 0.002}};
  m.pool = {.total = 2, .idle = 1, .in_use = 1, .max = 2, .acquires = 500, .acquire_wait_seconds_total = 0.3};
  m.cycles = 60;
  m.last_cycle_seconds = 0.01;
  if (role == MemberRole::replica) m.replication = {.lag_seconds = 1.25, .lag_bytes = 4096, .streaming = true};
  return m;
}

health::ClusterSnapshot cluster(double replica_latency_ms) {
  health::ClusterSnapshot c;
  c.name = "main";
  c.status = health::Status::degraded;
  c.primary = "db1";
  c.members = {member("db1", MemberRole::primary, 0.4), member("db2", MemberRole::replica, replica_latency_ms)};
  return c;
}

// What rendering an exposition was before any caching: every family collected, then one
// TextSerializer pass. The scrape families are rebuilt here as a prometheus registry would hold
// them after `earlier` renders of `last_bytes`, each taking no time on a clock that stands still.
std::string serialized_whole(const health::Snapshot& snapshot, WallTime now, int earlier, std::size_t last_bytes) {
  SnapshotFamilies parts = snapshot_families(&snapshot);
  std::vector<prometheus::MetricFamily> families = std::move(parts.daemon);
  prometheus::ClientMetric age;
  age.gauge.value = std::max(std::chrono::duration<double>(now - snapshot.taken_at).count(), 0.0);
  families.push_back({"pgvigil_snapshot_age_seconds", "Seconds since the health snapshot being served was taken.",
                      prometheus::MetricType::Gauge, {age}});
  families.insert(families.end(), parts.clusters.begin(), parts.clusters.end());

  prometheus::Registry self;
  auto& scrapes =
      prometheus::BuildCounter().Name("pgvigil_scrapes_total").Help("Metrics expositions rendered.").Register(self).Add({});
  auto& duration = prometheus::BuildHistogram()
                       .Name("pgvigil_scrape_duration_seconds")
                       .Help("Time taken to render a metrics exposition.")
                       .Register(self)
                       .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                        0.05, 0.1, 0.25, 0.5, 1.0});
  auto& bytes = prometheus::BuildGauge()
                    .Name("pgvigil_scrape_bytes")
                    .Help("Size of the last metrics exposition rendered.")
                    .Register(self)
                    .Add({});
  for (int i = 0; i < earlier; ++i) {
    scrapes.Increment();
    duration.Observe(0);
  }
  bytes.Set(static_cast<double>(last_bytes));
  for (auto& family : self.Collect()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

std::string value_of(const std::vector<std::string>& lines, const std::string& series) {
  for (const auto& line : lines) {
    if (line.starts_with(series + " ")) return line.substr(series.size() + 1);
  }
  return "(missing)";
}

class MetricsCacheTest : public testing::Test {
 protected:
  health::SnapshotPtr publish(double replica_latency_ms = 0.8) {
    auto s = std::make_shared<health::Snapshot>();
    s->taken_at = clock_.wall_now();
    s->version = "9.8.7";
    s->ready = true;
    s->clusters = {builders::shared(cluster(replica_latency_ms))};
    store_.publish(s);
    return s;
  }

  ManualClock clock_;
  health::SnapshotStore store_;
  MetricsEndpoint endpoint_{[this] { return store_.current(); }, clock_};
};

TEST_F(MetricsCacheTest, EveryScrapeIsWhatSerializingAllFamiliesGives) {
  const health::SnapshotPtr snapshot = publish();
  std::size_t last_bytes = 0;
  for (int scrape = 0; scrape < 3; ++scrape) {
    clock_.advance(1250ms);
    const std::string text = endpoint_.render();
    EXPECT_EQ(text, serialized_whole(*snapshot, clock_.wall_now(), scrape, last_bytes)) << "scrape " << scrape;
    last_bytes = text.size();
  }
}

TEST_F(MetricsCacheTest, ScrapesOfOneSnapshotShareOneRendering) {
  publish();
  ExpositionCache cache([this] { return store_.current(); });
  const auto first = cache.current();
  clock_.advance(3s);
  EXPECT_EQ(cache.current(), first);
  EXPECT_EQ(first->snapshot, store_.current());
  EXPECT_THAT(first->text, Not(HasSubstr("pgvigil_snapshot_age_seconds"))) << "the age is never cached";
  EXPECT_THAT(first->before_age(), HasSubstr("pgvigil_config_last_reload_successful 1\n"));
  EXPECT_TRUE(first->after_age().starts_with("# HELP pgvigil_cluster_status ")) << first->after_age();
}

TEST_F(MetricsCacheTest, ConcurrentScrapesOfOneSnapshotShareOneRendering) {
  publish();
  ExpositionCache cache([this] { return store_.current(); });
  std::vector<std::shared_ptr<const SnapshotExposition>> seen(4);
  {
    std::vector<std::jthread> scrapers;
    for (auto& slot : seen) scrapers.emplace_back([&cache, &slot] { slot = cache.current(); });
  }
  for (const auto& exposition : seen) EXPECT_EQ(exposition, seen.front());
}

TEST_F(MetricsCacheTest, NewSnapshotReplacesTheRendering) {
  publish(0.8);
  ExpositionCache cache([this] { return store_.current(); });
  const auto before = cache.current();
  const std::string db2 = R"(pgvigil_member_latency_seconds{cluster="main",member="db2"} )";
  EXPECT_THAT(before->text, HasSubstr(db2 + "0.0008\n"));

  publish(2.5);
  const auto after = cache.current();
  EXPECT_NE(after, before);
  EXPECT_THAT(after->text, HasSubstr(db2 + "0.0025\n"));
  EXPECT_THAT(lines_of(endpoint_.render()), Contains(db2 + "0.0025"));
  EXPECT_THAT(before->text, HasSubstr(db2 + "0.0008\n")) << "a rendering in use is never changed";
}

TEST_F(MetricsCacheTest, AgeAndScrapeMetricsAdvanceWithEveryScrape) {
  publish();
  auto lines = lines_of(endpoint_.render());
  EXPECT_EQ(value_of(lines, "pgvigil_snapshot_age_seconds"), "0");
  EXPECT_EQ(value_of(lines, "pgvigil_scrapes_total"), "0");

  clock_.advance(1500ms);
  lines = lines_of(endpoint_.render());
  EXPECT_EQ(value_of(lines, "pgvigil_snapshot_age_seconds"), "1.5");
  EXPECT_EQ(value_of(lines, "pgvigil_scrapes_total"), "1");
  EXPECT_EQ(value_of(lines, "pgvigil_scrape_duration_seconds_count"), "1");

  clock_.advance(250ms);
  lines = lines_of(endpoint_.render());
  EXPECT_EQ(value_of(lines, "pgvigil_snapshot_age_seconds"), "1.75");
  EXPECT_EQ(value_of(lines, "pgvigil_scrapes_total"), "2");
  EXPECT_EQ(value_of(lines, "pgvigil_scrape_duration_seconds_count"), "2");

  publish();
  EXPECT_EQ(value_of(lines_of(endpoint_.render()), "pgvigil_snapshot_age_seconds"), "0") << "the new snapshot's age";
}

// The clock moves only while the snapshot is fetched, inside the render, so the time measured is
// the render's and not the time between scrapes.
TEST(MetricsCacheTiming, ScrapeDurationIsTheRenderTime) {
  ManualClock clock;
  auto snapshot = std::make_shared<health::Snapshot>();
  snapshot->taken_at = clock.wall_now();
  MetricsEndpoint endpoint(
      [&clock, snapshot] {
        clock.advance(2ms);
        return snapshot;
      },
      clock);
  endpoint.render();
  clock.advance(10s);
  const auto lines = lines_of(endpoint.render());
  EXPECT_EQ(value_of(lines, "pgvigil_scrape_duration_seconds_sum"), "0.002");
  EXPECT_EQ(value_of(lines, R"(pgvigil_scrape_duration_seconds_bucket{le="0.001"})"), "0");
  EXPECT_EQ(value_of(lines, R"(pgvigil_scrape_duration_seconds_bucket{le="0.0025"})"), "1");
}

TEST_F(MetricsCacheTest, EveryFamilyAppearsOnceWithItsSamplesTogether) {
  publish();
  endpoint_.render();
  std::vector<std::string> order;  // the family of each run of samples, in order
  std::string family;
  for (const auto& line : lines_of(endpoint_.render())) {
    if (line.starts_with("# TYPE ")) {
      family = line.substr(7, line.find(' ', 7) - 7);
      order.push_back(family);
      continue;
    }
    if (line.starts_with("#")) continue;
    ASSERT_FALSE(family.empty()) << "a sample before any TYPE: " << line;
    const std::string sample = line.substr(0, line.find_first_of("{ "));
    const bool part = sample == family || sample == family + "_bucket" || sample == family + "_sum" ||
                      sample == family + "_count";
    EXPECT_TRUE(part) << line << " is not part of " << family;
  }
  const std::set<std::string> distinct(order.begin(), order.end());
  EXPECT_EQ(distinct.size(), order.size()) << "a family appears twice";
  for (const std::string name : {"pgvigil_snapshot_age_seconds", "pgvigil_scrapes_total", "pgvigil_scrape_bytes",
                                 "pgvigil_scrape_duration_seconds", "pgvigil_member_latency_seconds"}) {
    EXPECT_EQ(std::ranges::count(order, name), 1) << name;
  }
}

}  // namespace
}  // namespace pgvigil::metrics
