#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "queries/cancel_policy.h"
#include "queries/query_text.h"

namespace pgvigil::queries {
namespace {

struct TextCase {
  std::string name;
  std::string text;
  std::string expected;
};

TEST(CancelPolicyQueryText, StripLeadingComments) {
  const std::vector<TextCase> cases = {
      {"nothing to strip", "SELECT 1", "SELECT 1"},
      {"whitespace of every kind", " \t\r\n\f\vSELECT 1", "SELECT 1"},
      {"a line comment", "-- nightly job\nVACUUM t", "VACUUM t"},
      {"a block comment", "/* job 7 */VACUUM t", "VACUUM t"},
      {"several comments of both kinds", "/* a */ -- b\n  /* c */\n-- d\r\n\tVACUUM t", "VACUUM t"},
      {"nested block comments", "/* a /* b /* c */ */ still comment */ VACUUM t", "VACUUM t"},
      {"a block comment holding a line comment marker", "/* -- */VACUUM t", "VACUUM t"},
      {"a line comment holding a block comment opener", "-- /*\nVACUUM t", "VACUUM t"},
      {"comments after the first token stay", "SELECT /* x */ 1 -- y", "SELECT /* x */ 1 -- y"},
      {"a division is not a comment", "/ 2", "/ 2"},
      {"a lone dash is not a comment", "-1", "-1"},
      {"an unterminated block comment leaves nothing", "/* never closed VACUUM t", ""},
      {"an unterminated nested comment leaves nothing", "/* a /* b */ VACUUM t", ""},
      {"a line comment without newline leaves nothing", "-- VACUUM t", ""},
      {"\"/*/\" does not close the comment it opens", "/*/ VACUUM */SELECT 1", "SELECT 1"},
      {"empty", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(strip_leading_comments(c.text), c.expected);
  }
}

struct CutCase {
  std::string name;
  std::string text;
  std::size_t max_bytes = 0;
  std::string expected;
};

TEST(CancelPolicyQueryText, TruncateUtf8KeepsWholeCharacters) {
  const std::string euro = "\xE2\x82\xAC";         // 3 bytes
  const std::string smile = "\xF0\x9F\x98\x80";    // 4 bytes
  const std::vector<CutCase> cases = {
      {"short enough is unchanged", "abc", 3, "abc"},
      {"ASCII is cut at the limit", "abcdef", 4, "abcd"},
      {"zero keeps nothing", "abc", 0, ""},
      {"a cut after a whole two-byte character", "ab\xC3\xA9", 4, "ab\xC3\xA9"},
      {"a cut inside a two-byte character drops it", "abc\xC3\xA9z", 4, "abc"},
      {"a cut after the first byte of three", "a" + euro + "b", 2, "a"},
      {"a cut after the second byte of three", "a" + euro + "b", 3, "a"},
      {"a cut after the third byte of four", "a" + smile, 4, "a"},
      {"a four-byte character at the start", smile + "x", 3, ""},
      {"just after a whole character", "a" + euro + "b", 4, "a" + euro},
      {"not UTF-8: cut at the limit", "a\x80\x80\x80\x80\x80", 5, "a\x80\x80\x80\x80"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(truncate_utf8(c.text, c.max_bytes), c.expected);
  }
}

struct PatternCase {
  std::string name;
  std::string query;
  bool excluded = false;
};

TEST(CancelPolicyExcludes, DefaultQueryPatterns) {
  const CompiledExcludes excludes{config::CancelExclude{}};
  const std::vector<PatternCase> cases = {
      {"VACUUM", "VACUUM orders", true},
      {"lower case", "vacuum orders", true},
      {"mixed case", "VaCuUm FuLl orders", true},
      {"ANALYZE", "ANALYZE orders", true},
      {"CREATE INDEX", "CREATE INDEX i ON t (x)", true},
      {"CREATE UNIQUE INDEX", "create unique index i on t (x)", true},
      {"REINDEX", "REINDEX TABLE t", true},
      {"CLUSTER", "CLUSTER t USING i", true},
      {"behind comments and whitespace", "\n  -- weekly\n/* ops /* nested */ */  reindex index i", true},
      {"a SELECT", "SELECT * FROM orders", false},
      {"a maintenance word not at the start", "SELECT 1 /* VACUUM */", false},
      {"CREATE TABLE", "CREATE TABLE t (x int)", false},
      {"inside an unterminated comment", "/* VACUUM orders", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(excludes.matches_query(c.query), c.excluded);
  }
}

TEST(CancelPolicyExcludes, CustomPatternsAreSearchedCaseInsensitively) {
  config::CancelExclude exclude;
  exclude.queries = {"nightly_report", R"(^\s*COPY\b)"};
  const CompiledExcludes excludes(exclude);
  EXPECT_TRUE(excludes.matches_query("SELECT * FROM NIGHTLY_REPORT()"));
  EXPECT_TRUE(excludes.matches_query("-- export\ncopy orders TO STDOUT"));
  EXPECT_FALSE(excludes.matches_query("VACUUM orders")) << "the defaults are replaced, not extended";
  EXPECT_FALSE(excludes.matches_query("SELECT 'copy'"));
}

TEST(CancelPolicyExcludes, PatternsSeeOnlyTheStartOfALongText) {
  config::CancelExclude exclude;
  exclude.queries = {"needle"};
  const CompiledExcludes excludes(exclude);
  const std::string filler(CompiledExcludes::kPatternTextBytes, 'x');
  EXPECT_TRUE(excludes.matches_query(filler.substr(6) + "needle"));
  EXPECT_FALSE(excludes.matches_query(filler + "needle"));
  // A pathological pattern on a long text stays bounded (no stack overflow, no stall).
  exclude.queries = {"(a|b)*c"};
  const CompiledExcludes pathological(exclude);
  EXPECT_FALSE(pathological.matches_query(std::string(1024 * 1024, 'a')));
}

TEST(CancelPolicyExcludes, NamesAreExactAndCheckedInOrder) {
  config::CancelExclude exclude;
  exclude.users = {"etl"};
  exclude.databases = {"warehouse"};
  exclude.applications = {"psql"};
  const CompiledExcludes excludes(exclude);
  SessionActivity s;
  s.usename = "etl";
  s.datname = "warehouse";
  s.application_name = "psql";
  s.query = "SELECT 1";
  EXPECT_EQ(excludes.exclusion(s), CancelReason::excluded_user);
  s.usename = "etl2";
  EXPECT_EQ(excludes.exclusion(s), CancelReason::excluded_database);
  s.datname = "Warehouse";
  EXPECT_EQ(excludes.exclusion(s), CancelReason::excluded_application);
  s.application_name = "pg_dump";  // the defaults were replaced by "psql"
  EXPECT_EQ(excludes.exclusion(s), std::nullopt);
}

TEST(CancelPolicyExcludes, AnInvalidPatternThrowsAtConstruction) {
  config::CancelExclude exclude;
  exclude.queries = {"(unclosed"};
  EXPECT_THROW(CompiledExcludes{exclude}, std::regex_error);
}

}  // namespace
}  // namespace pgvigil::queries
