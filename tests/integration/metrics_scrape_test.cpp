// /metrics as its consumers see it: promtool's linter finds nothing to say about a live scrape,
// and a real Prometheus scrapes the daemon and answers queries over what it stored.
#include <signal.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"
#include "prometheus_under_test.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kScrapeLimit = 30s;  // Prometheus start, a 1s scrape interval, a loaded machine
constexpr auto kPromtoolLimit = 20s;

class MetricsScrape : public SharedClusterTest {};

TEST_F(MetricsScrape, PromtoolFindsNothingToReportInALiveScrape) {
  TempDir dir;
  DaemonConfig config = both_members();
  // A member that refuses connections exports the families of a down member too: lint those as well.
  config.members.push_back({"gone", testing::free_port(), cluster_->password_file()});
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  // Wait for a scrape that carries every member and the costly checks' families, not just the
  // daemon's own.
  HttpReply scrape;
  ASSERT_TRUE(testing::poll_until(
      [&] {
        scrape = daemon.get("/metrics");
        return scrape.status == 200 && scrape.body.find("member=\"primary\"") != std::string::npos &&
               scrape.body.find("member=\"replica\"") != std::string::npos &&
               scrape.body.find("member=\"gone\"") != std::string::npos &&
               scrape.body.find("pgvigil_replication_lag_seconds{") != std::string::npos;
      },
      15s, 100ms))
      << "status " << scrape.status << ":\n" << scrape.body;

  const auto lint = run_split(dir, "promtool", {"/usr/bin/promtool", "check", "metrics"}, kPromtoolLimit,
                              dir.write("scrape.txt", scrape.body));
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out, "");
  EXPECT_EQ(lint.err, "");

  // The same pipe must be able to fail: a counter without the _total suffix is a lint problem.
  const auto control = run_split(dir, "promtool-control", {"/usr/bin/promtool", "check", "metrics"}, kPromtoolLimit,
                                 dir.write("bad.txt", "# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n"));
  EXPECT_NE(control.exit_code, 0);
  EXPECT_NE((control.out + control.err).find("_total"), std::string::npos) << control.out << control.err;
}

TEST_F(MetricsScrape, PrometheusScrapesTheDaemonAndQueriesSeeEveryMember) {
  TempDir dir;
  DaemonUnderTest daemon(dir, both_members());
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  PrometheusUnderTest prometheus(daemon.port());

  // Every member, labelled with its cluster, stored by Prometheus as up.
  Json result;
  const bool both_up = testing::poll_until(
      [&] {
        result = query_result(prometheus.query("pgvigil_member_up"));
        std::set<std::string> up;
        for (const auto& sample : result) {
          const Json labels = sample.value("metric", Json::object());
          const Json value = sample.value("value", Json::array());  // [time, "value"]
          if (labels.value("cluster", "") == "c" && labels.value("job", "") == "pgvigil" && value.size() == 2 &&
              value[1] == "1") {
            up.insert(labels.value("member", ""));
          }
        }
        return up == std::set<std::string>{"primary", "replica"};
      },
      kScrapeLimit, 250ms);
  EXPECT_TRUE(both_up) << result.dump() << "\nprometheus log:\n" << prometheus.log();
  EXPECT_EQ(result.size(), 2u) << result.dump();

  Json targets;
  const std::string scrape_url = "http://127.0.0.1:" + std::to_string(daemon.port()) + "/metrics";
  const bool target_up = testing::poll_until(
      [&] {
        const Json answer = prometheus.get("/api/v1/targets").json();
        if (!answer.is_object()) return false;
        targets = answer.value("data", Json::object()).value("activeTargets", Json::array());
        return targets.size() == 1 && targets[0].value("scrapeUrl", "") == scrape_url &&
               targets[0].value("health", "") == "up" && targets[0].value("lastError", "x").empty();
      },
      kScrapeLimit, 250ms);
  EXPECT_TRUE(target_up) << targets.dump();
}

}  // namespace
}  // namespace pgvigil::acceptance
