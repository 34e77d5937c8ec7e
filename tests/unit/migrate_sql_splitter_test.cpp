// Splitting no-transaction migration files into statements: semicolons inside strings, quoted
// identifiers, dollar quotes and comments do not end a statement.
#include "migrate/sql_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgvigil::migrate {
namespace {

std::vector<std::string> texts(std::string_view script) {
  std::vector<std::string> out;
  for (const auto& statement : split_sql(script)) out.emplace_back(statement.text);
  return out;
}

using Texts = std::vector<std::string>;

TEST(MigrateSqlSplitter, SplitsAtSemicolonsAndTrimsBlanks) {
  EXPECT_EQ(texts("SELECT 1; SELECT 2;\n\n  SELECT 3  "), (Texts{"SELECT 1", "SELECT 2", "SELECT 3"}));
  EXPECT_EQ(texts(""), Texts{});
  EXPECT_EQ(texts(" ;; \n;"), Texts{});
}

TEST(MigrateSqlSplitter, OffsetsPointAtEachStatementInTheScript) {
  const std::string script = "-- pgvigil:no-transaction\n  CREATE INDEX CONCURRENTLY i ON t (x);\nSELECT 1;";
  const auto statements = split_sql(script);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0].offset, script.find("CREATE"));
  EXPECT_EQ(statements[0].text, "CREATE INDEX CONCURRENTLY i ON t (x)");
  EXPECT_EQ(statements[1].offset, script.find("SELECT"));
}

TEST(MigrateSqlSplitter, CommentsOnlyPiecesAreDroppedAndCommentsInsideAreKept) {
  EXPECT_EQ(texts("-- a; b\nSELECT 1; -- trailing; comment\n/* c; */"), (Texts{"SELECT 1"}));
  EXPECT_EQ(texts("SELECT /* x; */ 1 -- y;\n + 2;"), (Texts{"SELECT /* x; */ 1 -- y;\n + 2"}));
}

TEST(MigrateSqlSplitter, BlockCommentsNest) {
  EXPECT_EQ(texts("/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2"), (Texts{"SELECT 1", "SELECT 2"}));
}

TEST(MigrateSqlSplitter, QuotedStringsAndIdentifiersHideSemicolons) {
  EXPECT_EQ(texts("SELECT 'a;b'; SELECT 'it''s; here'"), (Texts{"SELECT 'a;b'", "SELECT 'it''s; here'"}));
  EXPECT_EQ(texts("SELECT 1 AS \"x;\"\"y\"; SELECT 2"), (Texts{"SELECT 1 AS \"x;\"\"y\"", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT '--not a comment;'; SELECT '/*'; SELECT 3"),
            (Texts{"SELECT '--not a comment;'", "SELECT '/*'", "SELECT 3"}));
}

TEST(MigrateSqlSplitter, EscapeStringsHonourBackslashes) {
  EXPECT_EQ(texts(R"(SELECT E'a\';b'; SELECT 2)"), (Texts{R"(SELECT E'a\';b')", "SELECT 2"}));
  EXPECT_EQ(texts(R"(SELECT e'\\'; SELECT 2)"), (Texts{R"(SELECT e'\\')", "SELECT 2"}));
  // Not an escape string: a standard string after an identifier ending in e.
  EXPECT_EQ(texts(R"(SELECT some'\'; SELECT 2)"), (Texts{R"(SELECT some'\')", "SELECT 2"}));
}

TEST(MigrateSqlSplitter, DollarQuotesHideEverythingUpToTheirTag) {
  const std::string function =
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  RAISE NOTICE 'x;'; RETURN 1;\nEND\n"
      "$body$";
  EXPECT_EQ(texts(function + ";\nSELECT f();"), (Texts{function, "SELECT f()"}));
  EXPECT_EQ(texts("SELECT $$a;$b$;$$; SELECT 2"), (Texts{"SELECT $$a;$b$;$$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT $q$ $$; $q$; SELECT 2"), (Texts{"SELECT $q$ $$; $q$", "SELECT 2"}));
}

TEST(MigrateSqlSplitter, ParametersAndDollarsInsideNamesAreNotQuotes) {
  EXPECT_EQ(texts("PREPARE p AS SELECT $1; SELECT a$b$ FROM t; SELECT 3"),
            (Texts{"PREPARE p AS SELECT $1", "SELECT a$b$ FROM t", "SELECT 3"}));
}

TEST(MigrateSqlSplitter, AnUnterminatedQuoteRunsToTheEnd) {
  EXPECT_EQ(texts("SELECT 1; SELECT 'open; SELECT 2"), (Texts{"SELECT 1", "SELECT 'open; SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1; /* open; SELECT 2"), (Texts{"SELECT 1"}));
}

}  // namespace
}  // namespace pgvigil::migrate
