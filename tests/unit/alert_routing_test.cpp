// Which notices each sink takes, by its severities and clusters filters.
#include "alerts/sink_routing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgvigil::alerts {
namespace {

Notice notice(std::string alertname, std::string severity, std::string cluster) {
  Notice n;
  n.labels = {{"alertname", std::move(alertname)}, {"severity", std::move(severity)}};
  if (!cluster.empty()) n.labels["cluster"] = std::move(cluster);
  n.fingerprint = fingerprint(n.labels);
  return n;
}

config::SinkConfig sink(std::string name, std::vector<std::string> severities, std::vector<std::string> clusters) {
  config::SinkConfig s;
  s.name = std::move(name);
  s.severities = std::move(severities);
  s.clusters = std::move(clusters);
  return s;
}

std::vector<std::string> names(const std::vector<Notice>& notices) {
  std::vector<std::string> out;
  for (const auto& n : notices) out.push_back(n.labels.at("alertname"));
  return out;
}

const std::vector<Notice> kNotices = {notice("A", "critical", "main"), notice("B", "warning", "main"),
                                      notice("C", "critical", "reports"), notice("D", "info", "reports"),
                                      notice("E", "warning", "")};

TEST(AlertRouting, FiltersSelectBySeverityAndCluster) {
  struct Case {
    const char* name = "";
    std::vector<std::string> severities{};
    std::vector<std::string> clusters{};
    std::vector<std::string> expected{};
  };
  const std::vector<Case> cases = {
      {"no filters take everything", {}, {}, {"A", "B", "C", "D", "E"}},
      {"severity only", {"critical"}, {}, {"A", "C"}},
      {"two severities", {"warning", "info"}, {}, {"B", "D", "E"}},
      {"cluster only; daemon-wide passes", {}, {"main"}, {"A", "B", "E"}},
      {"both", {"critical"}, {"reports"}, {"C"}},
      {"nothing matches", {"info"}, {"main"}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(names(notices_for(sink("s", c.severities, c.clusters), kNotices)), c.expected);
  }
}

TEST(AlertRouting, RouteGivesOneBatchPerSinkThatTakesSomething) {
  const std::vector<config::SinkConfig> sinks = {sink("pager", {"critical"}, {}), sink("quiet", {"info"}, {"main"}),
                                                 sink("all", {}, {})};
  const auto batches = route(sinks, kNotices);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].sink, "pager");
  EXPECT_EQ(names(batches[0].notices), (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(batches[1].sink, "all");
  EXPECT_EQ(batches[1].notices.size(), kNotices.size());
  EXPECT_TRUE(route(sinks, {}).empty());
}

TEST(AlertRouting, SinkAcceptsLooksAtLabelsOnly) {
  EXPECT_TRUE(sink_accepts(sink("s", {"warning"}, {"main"}), {{"severity", "warning"}, {"cluster", "main"}}));
  EXPECT_FALSE(sink_accepts(sink("s", {"warning"}, {}), {{"cluster", "main"}})) << "no severity, no match";
}

}  // namespace
}  // namespace pgvigil::alerts
