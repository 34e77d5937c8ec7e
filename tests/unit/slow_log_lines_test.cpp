// The slow-query log's JSON lines, built the way the statements monitor builds them: the
// interval's figures, names for oids, texts cut to max_query_length without splitting a UTF-8
// character.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "queries/report_builder.h"
#include "queries/report_json.h"
#include "statement_builders.h"

namespace pgvigil::queries {
namespace {

using Json = nlohmann::json;
using test::delta;
using test::interval;

std::vector<Json> parsed(const std::vector<std::string>& lines) {
  std::vector<Json> out;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one object a line: " << line;
    out.push_back(Json::parse(line));
  }
  return out;
}

class SlowLogLines : public ::testing::Test {
 protected:
  SlowLogLines() : labels_(16) {
    labels_.set_users({{10, "app"}});
    labels_.set_databases({{5, "shop"}});
  }

  IntervalReport report(const IntervalDelta& in, const Selection& selection) {
    return build_report({.cluster = "main", .member = "db1", .interval = &in, .selection = &selection}, labels_);
  }

  StatementLabels labels_;
};

TEST_F(SlowLogLines, AnIntervalLineThenOneLinePerStatement) {
  auto slow = delta({.queryid = -9223372036854775807LL, .calls = 20, .total_ms = 1200.5, .interval_max_ms = 75.25,
                     .rows = 20, .hit = 100, .read = 3, .temp_written = 4});
  slow.delta.wal_bytes = 512;
  slow.delta.temp_blks_read = 2;
  const auto in = interval({slow, delta({.queryid = 2, .calls = 1, .total_ms = 0.5})});
  const Selection selection = select_statements(in, {.slow_threshold_ms = 50, .top_n = 1});
  labels_.add_text(slow.key.queryid, "SELECT pg_sleep($1)");

  const auto lines = parsed(slow_log_lines(report(in, selection)));
  ASSERT_EQ(lines.size(), 2u);
  const Json& head = lines[0];
  EXPECT_EQ(head["type"], "interval");
  EXPECT_EQ(head["interval_start"], "2024-12-18T00:00:00.000Z");
  EXPECT_EQ(head["interval_end"], "2024-12-18T00:01:00.000Z");
  EXPECT_EQ(head["cluster"], "main");
  EXPECT_EQ(head["member"], "db1");
  EXPECT_EQ(head["reset_detected"], false);
  EXPECT_EQ(head["active"], 2);
  EXPECT_EQ(head["slow"], 1);
  EXPECT_EQ(head["logged"], 1);
  EXPECT_EQ(head["calls"], 21);
  EXPECT_DOUBLE_EQ(head["total_ms"].get<double>(), 1201.0);

  const Json& line = lines[1];
  EXPECT_EQ(line["type"], "statement");
  EXPECT_EQ(line["interval_start"], head["interval_start"]);
  EXPECT_EQ(line["cluster"], "main");
  EXPECT_EQ(line["member"], "db1");
  EXPECT_EQ(line["database"], "shop");
  EXPECT_EQ(line["user"], "app");
  EXPECT_EQ(line["queryid"], "-9223372036854775807") << "a string: JSON readers keep 53 bits";
  EXPECT_EQ(line["slow"], true);
  EXPECT_EQ(line["top"], true);
  EXPECT_EQ(line["calls"], 20);
  EXPECT_DOUBLE_EQ(line["total_ms"].get<double>(), 1200.5);
  EXPECT_DOUBLE_EQ(line["mean_ms"].get<double>(), 60.025);
  EXPECT_DOUBLE_EQ(line["max_ms"].get<double>(), 75.25);
  EXPECT_EQ(line["rows"], 20);
  EXPECT_EQ(line["shared_blks_hit"], 100);
  EXPECT_EQ(line["shared_blks_read"], 3);
  EXPECT_EQ(line["temp_blks_read"], 2);
  EXPECT_EQ(line["temp_blks_written"], 4);
  EXPECT_EQ(line["wal_bytes"], 512);
  EXPECT_EQ(line["query"], "SELECT pg_sleep(") << "cut to max_query_length (16 bytes)";
}

TEST_F(SlowLogLines, TextIsCutBeforeAMultiByteCharacterNotInsideIt) {
  const auto in = interval({delta({.queryid = 3, .calls = 1, .total_ms = 900})});
  const Selection selection = select_statements(in, {.slow_threshold_ms = 50, .top_n = 1});
  labels_.add_text(3, "SELECT '€€€€'");  // each € is 3 bytes, the third one at bytes 14-16
  const auto lines = parsed(slow_log_lines(report(in, selection)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["query"], "SELECT '€€") << "16 bytes would end inside the third €";
}

TEST_F(SlowLogLines, UnknownMaximumIsNullAndUnknownNamesAreOids) {
  auto in = interval({delta({.queryid = 4, .calls = 2, .total_ms = 300})});
  in.statements[0].key.userid = 99;
  in.reset_detected = true;
  in.evicted = 7;
  const Selection selection = select_statements(in, {.slow_threshold_ms = 50, .top_n = 0});
  const auto lines = parsed(slow_log_lines(report(in, selection)));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["reset_detected"], true);
  EXPECT_EQ(lines[0]["evicted"], 7);
  EXPECT_TRUE(lines[1]["max_ms"].is_null());
  EXPECT_EQ(lines[1]["user"], "99");
  EXPECT_EQ(lines[1]["query"], "") << "no text fetched";
  EXPECT_EQ(lines[1]["top"], false);
}

TEST_F(SlowLogLines, TextInAnotherEncodingStillGivesValidJson) {
  const auto in = interval({delta({.queryid = 5, .calls = 1, .total_ms = 900})});
  const Selection selection = select_statements(in, {.slow_threshold_ms = 50, .top_n = 1});
  labels_.add_text(5, "SELECT '\xE9t\xE9'");  // Latin-1 "été"
  const auto lines = slow_log_lines(report(in, selection));
  ASSERT_EQ(lines.size(), 2u);
  const Json line = Json::parse(lines[1], nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << lines[1];
  EXPECT_EQ(line["query"], "SELECT '\xEF\xBF\xBDt\xEF\xBF\xBD'");
}

}  // namespace
}  // namespace pgvigil::queries
