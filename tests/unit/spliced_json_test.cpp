// An interval's GET /queries JSON with its query texts kept apart: written out whole it reads
// exactly as interval_json_text, whatever the texts hold.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "queries/report_json.h"
#include "queries/spliced_json.h"

namespace pgvigil::queries {
namespace {

ReportedStatement statement(std::int64_t queryid, std::string query) {
  ReportedStatement s;
  s.queryid = queryid;
  s.user = "app";
  s.database = "shop";
  s.slow = true;
  s.delta.calls = 4;
  s.delta.total_exec_time_ms = 2001.25;
  s.mean_exec_time_ms = 500.3125;
  s.max_exec_time_ms = 900.0;
  s.query = std::move(query);
  return s;
}

IntervalReport report() {
  IntervalReport r;
  r.cluster = "main";
  r.member = "db1";
  r.end = r.start + std::chrono::seconds(60);
  r.active = 3;
  r.slow = 2;
  r.totals.calls = 7;
  r.statements = {statement(-42, "SELECT \"quoted\"\n\tFROM t WHERE v = 'é' -- \\ back"),
                  statement(7, std::string("SELECT '\xff\xfe' /* not UTF-8 */")), statement(8, "")};
  Recommendation index{.kind = "missing_index", .queryid = -42, .query = r.statements[0].query,
                       .message = "reads a lot", .evidence = {{"calls", 4}, {"blocks_per_call", 2500}}};
  Recommendation scan{.kind = "seq_scan", .table = "public.big", .message = "scanned", .evidence = {{"seq_scans", 9}}};
  r.recommendations = {index, scan};
  return r;
}

TEST(SplicedJson, ReadsAsTheWholeInterval) {
  const IntervalReport r = report();
  const SplicedJson spliced = interval_json_spliced(r);
  EXPECT_EQ(spliced.str(), interval_json_text(r));
  EXPECT_EQ(spliced.size(), interval_json_text(r).size());
  EXPECT_EQ(spliced.splices.size(), 4u) << "three statements and the recommendation about one";
  EXPECT_EQ(spliced.text.find("SELECT"), std::string::npos) << "no text left in place";
  EXPECT_EQ(*spliced.splices[0].literal, json_literal(r.statements[0].query));
  EXPECT_EQ(*spliced.splices[3].literal, *spliced.splices[0].literal);
}

TEST(SplicedJson, AnIntervalWithoutStatementsHasNothingApart) {
  IntervalReport r = report();
  r.statements.clear();
  r.recommendations.resize(1);
  r.recommendations[0].queryid.reset();
  r.recommendations[0].table = "public.t";
  const SplicedJson spliced = interval_json_spliced(r);
  EXPECT_TRUE(spliced.splices.empty());
  EXPECT_EQ(spliced.str(), interval_json_text(r));
}

TEST(SplicedJson, AppendsAfterWhatIsThere) {
  SplicedJson json;
  json.text = "[,]";
  json.splices = {{1, std::make_shared<const std::string>("\"a\"")}, {2, std::make_shared<const std::string>("1")}};
  std::string out = "x";
  json.append_to(out);
  EXPECT_EQ(out, "x[\"a\",1]");
}

}  // namespace
}  // namespace pgvigil::queries
