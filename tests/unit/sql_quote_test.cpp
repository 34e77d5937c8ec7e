// Quoting for SQL built from validated names: identifiers, unquoted names folded as PostgreSQL
// folds them, and literals.
#include "db/sql_quote.h"

#include <gtest/gtest.h>

namespace pgvigil::db {
namespace {

TEST(SqlQuote, IdentifiersKeepTheirCaseAndDoubleEmbeddedQuotes) {
  EXPECT_EQ(quote_identifier("users"), R"("users")");
  EXPECT_EQ(quote_identifier("Mixed"), R"("Mixed")");
  EXPECT_EQ(quote_identifier(R"(a"b)"), R"("a""b")");
  EXPECT_EQ(quote_identifier("uuid-ossp"), R"("uuid-ossp")");
}

TEST(SqlQuote, IdentifiersShownToPeopleAreQuotedOnlyWhenTheyMustBe) {
  EXPECT_EQ(quote_identifier_if_needed("pg_stat_statements"), "pg_stat_statements");
  EXPECT_EQ(quote_identifier_if_needed("uuid-ossp"), R"("uuid-ossp")");
  EXPECT_EQ(quote_identifier_if_needed("Monitor"), R"("Monitor")");
  EXPECT_EQ(quote_identifier_if_needed("1role"), R"("1role")");
}

TEST(SqlQuote, UnquotedNamesAreFoldedThenQuotedPartByPart) {
  EXPECT_EQ(quote_unquoted_name("pgvigil_schema_migrations"), R"("pgvigil_schema_migrations")");
  EXPECT_EQ(quote_unquoted_name("User.Migrations"), R"("user"."migrations")");
  EXPECT_EQ(quote_unquoted_name("public.order"), R"("public"."order")");
}

TEST(SqlQuote, LiteralsDoubleEmbeddedSingleQuotes) {
  EXPECT_EQ(quote_literal("plain"), "'plain'");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal(""), "''");
}

}  // namespace
}  // namespace pgvigil::db
