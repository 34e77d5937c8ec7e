// --table: plain identifiers only, folded like unquoted SQL names and always quoted in SQL; and
// the advisory lock key derived from the qualified name.
#include <gtest/gtest.h>

#include "migrate/advisory_lock.h"
#include "migrate/table_name.h"

namespace pgvigil::migrate {
namespace {

TEST(MigrateTableName, AcceptsATableOrASchemaQualifiedTable) {
  EXPECT_EQ(parse_table_name("pgvigil_schema_migrations"), (TableName{"", "pgvigil_schema_migrations"}));
  EXPECT_EQ(parse_table_name("Ops.History_2"), (TableName{"ops", "history_2"}));
  EXPECT_EQ(parse_table_name("ops.history")->quoted(), "\"ops\".\"history\"");
  EXPECT_EQ(parse_table_name("history")->quoted(), "\"history\"");
  EXPECT_EQ(parse_table_name("ops.history")->display(), "ops.history");
  EXPECT_EQ(parse_table_name(std::string(63, 'a'))->table, std::string(63, 'a'));
}

TEST(MigrateTableName, RefusesAnythingThatIsNotAPlainIdentifier) {
  for (const char* text : {"", ".", "a.", ".a", "a.b.c", "1abc", "a-b", "a b", "a;drop table x", "\"a\"", "a$b",
                           "é"}) {
    EXPECT_FALSE(parse_table_name(text).has_value()) << text;
  }
  EXPECT_FALSE(parse_table_name(std::string(64, 'a')).has_value());
}


TEST(MigrateAdvisoryLockKey, IsStablePerTableAndDiffersBetweenTables) {
  EXPECT_EQ(advisory_lock_key("public.pgvigil_schema_migrations"), advisory_lock_key("public.pgvigil_schema_migrations"));
  EXPECT_NE(advisory_lock_key("public.pgvigil_schema_migrations"), advisory_lock_key("ops.pgvigil_schema_migrations"));
  EXPECT_NE(advisory_lock_key("public.a"), advisory_lock_key("public.b"));
}

}  // namespace
}  // namespace pgvigil::migrate
