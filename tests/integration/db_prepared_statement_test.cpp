// Statements run again and again on a session (a cycle's health statement) are prepared once per
// session and then run with the server's one generic plan; a text that changed is a new statement,
// and a statement the server dropped is prepared again without the caller noticing.
#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/conninfo.h"
#include "pg_cluster.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::PgCluster;

constexpr std::string_view kStatement = "SELECT count(*) AS n FROM pg_catalog.pg_stat_activity";

db::Connection connect(const PgCluster& cluster) {
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(cluster.conninfo(0, "pgvigil"));
  spec.password = cluster.password();
  auto opened = db::Connection::open(spec, db::SteadyClock::now() + 3s);
  if (!opened) throw std::runtime_error(opened.error().to_string());
  return std::move(*opened);
}

struct PreparedOnSession {
  std::int64_t statements = 0;
  std::int64_t generic_plans = 0;
  std::int64_t custom_plans = 0;
};

PreparedOnSession prepared_on(db::Connection& conn) {
  auto read = conn.query(
      "SELECT count(*) AS statements, coalesce(sum(generic_plans), 0) AS generic, "
      "coalesce(sum(custom_plans), 0) AS custom FROM pg_catalog.pg_prepared_statements",
      1s);
  if (!read) throw std::runtime_error(read.error().to_string());
  return {read->get_int(0, "statements").value_or(-1), read->get_int(0, "generic").value_or(-1),
          read->get_int(0, "custom").value_or(-1)};
}

class DbConnectionPrepared : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new PgCluster(PgCluster::start({.with_replica = false})); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static PgCluster* cluster_;
};
PgCluster* DbConnectionPrepared::cluster_ = nullptr;

TEST_F(DbConnectionPrepared, IsPreparedOnceAndPlannedOncePerSession) {
  auto conn = connect(*cluster_);
  for (int cycle = 0; cycle < 4; ++cycle) {
    auto answer = conn.query_prepared(kStatement, 1s);
    ASSERT_TRUE(answer) << answer.error().to_string();
    EXPECT_GE(answer->get_int(0, "n").value_or(0), 1);
  }
  const auto seen = prepared_on(conn);
  EXPECT_EQ(seen.statements, 1);
  EXPECT_EQ(seen.generic_plans, 4) << "every run reuses the one generic plan";
  EXPECT_EQ(seen.custom_plans, 0);

  auto other = connect(*cluster_);
  ASSERT_TRUE(other.query_prepared(kStatement, 1s)) << "a new session prepares it for itself";
  EXPECT_EQ(prepared_on(other).statements, 1);
}

TEST_F(DbConnectionPrepared, AChangedTextIsANewStatementNeverTheStaleOne) {
  auto conn = connect(*cluster_);
  ASSERT_TRUE(conn.query_prepared("SELECT 1 AS v", 1s));
  auto changed = conn.query_prepared("SELECT 2 AS v", 1s);
  ASSERT_TRUE(changed) << changed.error().to_string();
  EXPECT_EQ(changed->get_int(0, "v"), 2);
  auto first = conn.query_prepared("SELECT 1 AS v", 1s);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->get_int(0, "v"), 1);
  EXPECT_EQ(prepared_on(conn).statements, 2);
}

TEST_F(DbConnectionPrepared, AStatementTheServerDroppedIsPreparedAgain) {
  auto conn = connect(*cluster_);
  ASSERT_TRUE(conn.query_prepared(kStatement, 1s));
  ASSERT_TRUE(conn.run_script("DEALLOCATE ALL", 1s));  // what a pooler's DISCARD ALL does too
  auto again = conn.query_prepared(kStatement, 1s);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(prepared_on(conn).statements, 1);
}

TEST_F(DbConnectionPrepared, AStatementThatDoesNotPrepareLeavesTheSessionUsable) {
  auto conn = connect(*cluster_);
  auto broken = conn.query_prepared("SELECT * FROM no_such_table", 1s);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().sqlstate, "42P01");
  EXPECT_TRUE(conn.is_open());
  EXPECT_EQ(prepared_on(conn).statements, 0);
  EXPECT_TRUE(conn.query_prepared(kStatement, 1s));
}

}  // namespace
}  // namespace pgvigil
