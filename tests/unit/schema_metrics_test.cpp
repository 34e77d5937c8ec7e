// pgvigil_schema_problems: one series per kind the primary's schema check reports, valued with the
// count of that kind (not the capped number of reasons); nothing for members without the check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "exposition_lines.h"
#include "health/snapshot.h"
#include "metrics/metrics_endpoint.h"
#include "util/clock.h"

namespace pgvigil::metrics {
namespace {

using testing::Contains;
using testing::HasSubstr;
using testing::Not;

health::Reason schema_reason(const std::string& kind, double count) {
  return health::Reason{"schema", health::Severity::warning, kind, "", "message", count};
}

class SchemaMetricsTest : public testing::Test {
 protected:
  std::vector<std::string> render(health::MemberSnapshot member) {
    member.reachable = true;
    member.checked = true;
    member.role = health::MemberRole::primary;
    health::ClusterSnapshot cluster;
    cluster.name = "main";
    cluster.members = {std::move(member)};
    auto snapshot = std::make_shared<health::Snapshot>();
    snapshot->clusters = {std::move(cluster)};
    snapshot->taken_at = clock_.wall_now();
    current_ = std::move(snapshot);
    return lines_of(endpoint_.render());
  }

  ManualClock clock_;
  health::SnapshotPtr current_;
  MetricsEndpoint endpoint_{[this] { return current_; }, clock_};
};

TEST_F(SchemaMetricsTest, OneSeriesPerKindWithItsCount) {
  health::MemberSnapshot db1;
  db1.name = "db1";
  db1.values["schema"] = 9;
  for (int i = 0; i < 5; ++i) db1.reasons.push_back(schema_reason("missing_table", 7));
  db1.reasons.push_back(schema_reason("checksum_mismatch", 1));
  db1.reasons.push_back(schema_reason("migrations_pending", 1));
  const auto lines = render(db1);
  const std::string missing = R"(pgvigil_schema_problems{cluster="main",member="db1",kind="missing_table"} 7)";
  EXPECT_EQ(std::ranges::count(lines, missing), 1);
  EXPECT_THAT(lines, Contains(R"(pgvigil_schema_problems{cluster="main",member="db1",kind="checksum_mismatch"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_check_value{cluster="main",member="db1",check="schema"} 9)"));
}

TEST_F(SchemaMetricsTest, NoSeriesWithoutTheCheck) {
  health::MemberSnapshot db1;
  db1.name = "db1";
  db1.reasons.push_back(schema_reason("missing_table", 1));  // no checks.schema: not the schema check's run
  EXPECT_THAT(render(db1), Not(Contains(HasSubstr("pgvigil_schema_problems"))));

  health::MemberSnapshot healthy;
  healthy.name = "db1";
  healthy.values["schema"] = 0;
  EXPECT_THAT(render(healthy), Not(Contains(HasSubstr("pgvigil_schema_problems{"))));
}

}  // namespace
}  // namespace pgvigil::metrics
