// The bookkeeping of a session's prepared statements: one statement per SQL text, names never
// reused, so a changed text never runs a stale statement.
#include "db/prepared_statements.h"

#include <gtest/gtest.h>

namespace pgvigil::db {
namespace {

TEST(PreparedStatements, ASqlTextRunsTheStatementPreparedFromIt) {
  PreparedStatements prepared;
  EXPECT_FALSE(prepared.find("SELECT 1"));
  const auto first = prepared.new_name();
  prepared.remember("SELECT 1", first);
  const auto second = prepared.new_name();
  prepared.remember("SELECT 1, 2", second);
  EXPECT_NE(first, second);
  EXPECT_EQ(prepared.find("SELECT 1"), first);
  EXPECT_EQ(prepared.find("SELECT 1, 2"), second);
  EXPECT_FALSE(prepared.find("SELECT 1, 2, 3")) << "a text changed by a reload is prepared anew";
  EXPECT_EQ(prepared.size(), 2u);
}

TEST(PreparedStatements, NamesAreNotReusedAfterTheServerLostThem) {
  PreparedStatements prepared;
  const auto before = prepared.new_name();
  prepared.remember("SELECT 1", before);
  prepared.forget_all();
  EXPECT_FALSE(prepared.find("SELECT 1"));
  EXPECT_EQ(prepared.size(), 0u);
  EXPECT_NE(prepared.new_name(), before) << "a survivor of a partial DEALLOCATE may still hold it";
}

}  // namespace
}  // namespace pgvigil::db
