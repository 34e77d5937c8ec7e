// How the dashboard tests read panels and replace Grafana's template variables, and that the
// dashboards shipped in dashboards/ are importable as they are: valid JSON, unique uids and panel
// ids, every panel on the datasource variable, the cluster and member variables present, and no
// query padded into always having data.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../integration/dashboard_panels.h"

namespace pgvigil::acceptance {
namespace {

using Json = nlohmann::json;

const std::filesystem::path kSourceDir = PGVIGIL_SOURCE_DIR;

const std::map<std::string, std::string> kValues = {
    {"cluster", "main"}, {"member", ".*"}, {"__rate_interval", "30s"}, {"__range", "5m"}};

TEST(DashboardVariables, ReplacesBothSpellingsOfAReference) {
  const auto out = substitute_variables(R"(up{cluster=~"$cluster",member=~"${member}"})", kValues);
  EXPECT_EQ(out.text, R"(up{cluster=~"main",member=~".*"})");
  EXPECT_TRUE(out.unknown.empty());
}

TEST(DashboardVariables, TakesTheLongestName) {
  const auto out = substitute_variables("rate(x[$__rate_interval]) + increase(x[$__range])", kValues);
  EXPECT_EQ(out.text, "rate(x[30s]) + increase(x[5m])");
}

TEST(DashboardVariables, AFormatSuffixStillNamesTheVariable) {
  EXPECT_EQ(substitute_variables("x{cluster=~\"${cluster:regex}\"}", kValues).text, "x{cluster=~\"main\"}");
}

TEST(DashboardVariables, LeavesADollarThatIsNoReference) {
  const auto out = substitute_variables(R"(x{check=~"^long_running$"} and $ and ${)", kValues);
  EXPECT_EQ(out.text, R"(x{check=~"^long_running$"} and $ and ${)");
  EXPECT_TRUE(out.unknown.empty());
}

TEST(DashboardVariables, ReportsVariablesWithoutAValue) {
  const auto out = substitute_variables("x{instance=~\"$instance\",job=\"${job}\"}[$__rate_interval]", kValues);
  EXPECT_EQ(out.text, "x{instance=~\"$instance\",job=\"${job}\"}[30s]");
  EXPECT_EQ(out.unknown, (std::vector<std::string>{"instance", "job"}));
}

TEST(DashboardPanels, FindsTheQueriesOfPanelsInsideRows) {
  const Json dashboard = Json::parse(R"({"panels":[
      {"id":1,"type":"row","title":"open","panels":[]},
      {"id":2,"type":"stat","title":"a","targets":[{"refId":"A","expr":"up"},{"refId":"B","expr":"down"}]},
      {"id":3,"type":"row","title":"collapsed","collapsed":true,"panels":[
        {"id":4,"type":"timeseries","title":"b","targets":[{"refId":"A","expr":"x"}]}]},
      {"id":5,"type":"text","title":"no targets"}]})");
  const auto queries = panel_queries(dashboard);
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].panel_id, 2);
  EXPECT_EQ(queries[1].ref_id, "B");
  EXPECT_EQ(queries[1].expr, "down");
  EXPECT_EQ(queries[2].panel_id, 4);
  EXPECT_EQ(queries[2].panel_title, "b");
  EXPECT_EQ(all_panels(dashboard).size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// The shipped dashboards

Json load(const std::filesystem::path& file) {
  std::ifstream in(file);
  return Json::parse(in, nullptr, false);
}

TEST(ShippedDashboards, AreTheFourDocumentedOnes) {
  std::set<std::string> names;
  for (const auto& file : dashboard_files(kSourceDir)) names.insert(file.filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"pgvigil-overview.json", "pgvigil-queries.json", "pgvigil-replication.json",
                                          "pgvigil-self.json"}));
}

TEST(ShippedDashboards, AreImportableAsTheyAre) {
  std::set<std::string> uids;
  for (const auto& file : dashboard_files(kSourceDir)) {
    SCOPED_TRACE(file.filename().string());
    const Json dashboard = load(file);
    ASSERT_TRUE(dashboard.is_object()) << "not valid JSON";
    EXPECT_TRUE(uids.insert(dashboard.value("uid", "")).second) << "uid shared with another dashboard";
    EXPECT_EQ(dashboard.value("uid", ""), file.stem().string());
    EXPECT_FALSE(dashboard.value("title", "").empty());
    EXPECT_GE(dashboard.value("schemaVersion", 0), 36);
    EXPECT_TRUE(dashboard.value("id", Json()).is_null()) << "an id would overwrite another dashboard on import";
    EXPECT_TRUE(dashboard.contains("time") && dashboard.contains("refresh") && dashboard.contains("tags"));

    std::set<int> ids;
    for (const auto& panel : all_panels(dashboard)) {
      const std::string title = panel.value("title", "");
      EXPECT_TRUE(ids.insert(panel.value("id", 0)).second) << "panel id " << panel.value("id", 0) << " twice";
      EXPECT_TRUE(panel.value("gridPos", Json()).is_object()) << title;
      if (panel.value("type", "") == "row") continue;
      EXPECT_TRUE(std::set<std::string>({"timeseries", "stat", "table", "bargauge"}).contains(panel.value("type", "")))
          << title;
      EXPECT_EQ(panel.value("datasource", Json()), (Json{{"type", "prometheus"}, {"uid", "${datasource}"}})) << title;
      ASSERT_TRUE(panel.contains("targets") && !panel["targets"].empty()) << title;
      for (const auto& target : panel["targets"]) {
        EXPECT_EQ(target.value("datasource", Json()), panel.value("datasource", Json())) << title;
        EXPECT_FALSE(target.value("expr", "").empty()) << title;
      }
    }
  }
}

// Grafana rearranges panels that overlap or pass its 24 columns, away from the intended layout.
TEST(ShippedDashboards, PanelsFitTheGridWithoutOverlapping) {
  struct Box {
    int x, y, w, h;
    std::string title;
  };
  for (const auto& file : dashboard_files(kSourceDir)) {
    SCOPED_TRACE(file.filename().string());
    const Json dashboard = load(file);
    ASSERT_TRUE(dashboard.is_object() && dashboard.contains("panels"));
    std::vector<Box> boxes;
    for (const auto& panel : dashboard["panels"]) {
      const Json grid = panel.value("gridPos", Json::object());
      boxes.push_back({grid.value("x", 0), grid.value("y", 0), grid.value("w", 0), grid.value("h", 0),
                       panel.value("title", "")});
    }
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      const Box& a = boxes[i];
      EXPECT_TRUE(a.w > 0 && a.h > 0 && a.x >= 0 && a.x + a.w <= 24) << a.title;
      for (std::size_t j = i + 1; j < boxes.size(); ++j) {
        const Box& b = boxes[j];
        const bool overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        EXPECT_FALSE(overlap) << a.title << " and " << b.title;
      }
    }
  }
}

TEST(ShippedDashboards, HaveTheDatasourceClusterAndMemberVariables) {
  for (const auto& file : dashboard_files(kSourceDir)) {
    SCOPED_TRACE(file.filename().string());
    const Json dashboard = load(file);
    const Json datasource = template_variable(dashboard, "datasource");
    ASSERT_TRUE(datasource.is_object());
    EXPECT_EQ(datasource.value("type", ""), "datasource");
    EXPECT_EQ(datasource.value("query", ""), "prometheus");
    const std::map<std::string, std::string> queries = {
        {"cluster", "label_values(pgvigil_member_up, cluster)"},
        {"member", "label_values(pgvigil_member_up{cluster=~\"$cluster\"}, member)"}};
    for (const auto& [name, query] : queries) {
      const Json variable = template_variable(dashboard, name);
      ASSERT_TRUE(variable.is_object()) << name;
      EXPECT_EQ(variable.value("type", ""), "query") << name;
      EXPECT_EQ(variable.value("query", Json::object()).value("query", ""), query) << name;
      EXPECT_EQ(variable.value("definition", ""), query) << name;
      EXPECT_TRUE(variable.value("multi", false)) << name;
      EXPECT_TRUE(variable.value("includeAll", false)) << name;
      EXPECT_EQ(variable.value("datasource", Json::object()).value("uid", ""), "${datasource}") << name;
    }
  }
}

TEST(ShippedDashboards, QueriesUseOnlyKnownVariablesAndAreNeverPadded) {
  const std::map<std::string, std::string> grafana = {
      {"cluster", "c"}, {"member", ".*"}, {"__rate_interval", "30s"}, {"__interval", "15s"}, {"__range", "5m"}};
  for (const auto& file : dashboard_files(kSourceDir)) {
    SCOPED_TRACE(file.filename().string());
    const auto queries = panel_queries(load(file));
    bool filters_by_cluster = false;
    for (const auto& query : queries) {
      EXPECT_TRUE(substitute_variables(query.expr, grafana).unknown.empty()) << query.panel_title << ": " << query.expr;
      // A constant fallback would make a panel show data that does not exist.
      EXPECT_EQ(query.expr.find("vector("), std::string::npos) << query.panel_title << ": " << query.expr;
      filters_by_cluster = filters_by_cluster || query.expr.find("cluster=~\"$cluster\"") != std::string::npos;
    }
    EXPECT_TRUE(filters_by_cluster);
  }
}

}  // namespace
}  // namespace pgvigil::acceptance
