#include "queries/statement_sql.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "queries/statements_availability.h"

namespace pgvigil::queries {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(StatementSql, ExtensionVersionsParse) {
  EXPECT_EQ(parse_extension_version("1.10"), (ExtensionVersion{1, 10}));
  EXPECT_EQ(parse_extension_version("1.8"), (ExtensionVersion{1, 8}));
  EXPECT_GT(*parse_extension_version("1.10"), *parse_extension_version("1.9")) << "compared as numbers";
  for (const char* bad : {"", "1", "1.", ".1", "1.x", "1.10beta", "one.two"}) {
    EXPECT_FALSE(parse_extension_version(bad)) << bad;
  }
}

TEST(StatementSql, SampleFitsTheInstalledVersion) {
  EXPECT_FALSE(sample_sql({1, 7}, "public")) << "before 1.8 the columns read do not exist";

  const std::string v18 = *sample_sql({1, 8}, "public");
  EXPECT_TRUE(contains(v18, "true AS toplevel"));
  EXPECT_FALSE(contains(v18, "pg_stat_statements_info"));
  EXPECT_TRUE(contains(v18, "NULL::bigint AS since_us"));

  const std::string v110 = *sample_sql({1, 10}, "\"my schema\"");
  EXPECT_TRUE(contains(v110, "toplevel AS toplevel"));
  EXPECT_TRUE(contains(v110, "FROM \"my schema\".pg_stat_statements(false)"));
  EXPECT_TRUE(contains(v110, "FROM \"my schema\".pg_stat_statements_info"));
  EXPECT_TRUE(contains(v110, "NULL::bigint AS since_us"));
  // The rows first, the info last, in one statement (the read order StatementSample documents).
  EXPECT_LT(v110.find("pg_stat_statements(false)"), v110.find("UNION ALL"));
  EXPECT_LT(v110.find("UNION ALL"), v110.find("pg_stat_statements_info"));

  EXPECT_TRUE(contains(*sample_sql({1, 11}, "public"), "stats_since"));
}

TEST(StatementSql, TextsAreFetchedOnlyForTheQueryidsAsked) {
  EXPECT_TRUE(contains(texts_sql("public"), "public.pg_stat_statements(true) WHERE queryid = ANY($1::bigint[])"));
  EXPECT_EQ(bigint_array(std::vector<long long>{}), "{}");
  EXPECT_EQ(bigint_array(std::vector<long long>{1, -2, 9223372036854775807LL}), "{1,-2,9223372036854775807}");
}

TEST(StatementsAvailability, EachProblemNamesItsFix) {
  struct Case {
    StatementsProblem problem;
    std::string value;
    std::string fix;
  };
  const std::vector<Case> cases = {
      {{.kind = StatementsProblemKind::not_installed, .database = "app"},
       "not installed",
       "run CREATE EXTENSION pg_stat_statements; in database \"app\""},
      {{.kind = StatementsProblemKind::not_installed, .database = "app", .preloaded = false},
       "not installed",
       "shared_preload_libraries = 'pg_stat_statements'"},
      {{.kind = StatementsProblemKind::not_preloaded, .database = "app"},
       "not preloaded",
       "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf) and restart PostgreSQL"},
      {{.kind = StatementsProblemKind::too_old, .database = "app", .version = "1.7"},
       "version 1.7",
       "ALTER EXTENSION pg_stat_statements UPDATE;"},
      {{.kind = StatementsProblemKind::hidden_entries, .role = "pgvigil", .hidden = 12},
       "12 hidden",
       "GRANT pg_read_all_stats TO pgvigil;"},
      {{.kind = StatementsProblemKind::hidden_entries, .role = "Mon\"itor", .hidden = 1},
       "1 hidden",
       "GRANT pg_read_all_stats TO \"Mon\"\"itor\";"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    const health::Reason reason = statements_reason(c.problem);
    EXPECT_EQ(reason.check, "pg_stat_statements");
    EXPECT_EQ(reason.severity, health::Severity::warning);
    EXPECT_EQ(reason.value, c.value);
    EXPECT_FALSE(reason.message.empty());
    EXPECT_TRUE(contains(statements_fix(c.problem), c.fix)) << statements_fix(c.problem);
  }
}

TEST(StatementsAvailability, OneProblemPerMemberUntilCleared) {
  StatementsAvailability board;
  EXPECT_FALSE(board.problem("db1"));
  board.set("db1", StatementsProblem{.kind = StatementsProblemKind::not_preloaded});
  board.set("db1", StatementsProblem{.kind = StatementsProblemKind::not_installed, .database = "x"});
  ASSERT_TRUE(board.problem("db1"));
  EXPECT_EQ(board.problem("db1")->kind, StatementsProblemKind::not_installed);
  EXPECT_FALSE(board.problem("db2"));
  board.set("db1", std::nullopt);
  EXPECT_FALSE(board.problem("db1"));
}

}  // namespace
}  // namespace pgvigil::queries
