// Connection::run_script for migration files: a multi-statement simple query whose server error
// carries the position in the text sent, and the session's transaction state around it.
#include <gtest/gtest.h>

#include <chrono>

#include "db/connection.h"
#include "db/conninfo.h"
#include "pg_cluster.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::PgCluster;

class DbScript : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new PgCluster(PgCluster::start({.with_replica = false})); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  static db::Connection connect() {
    db::ConnectSpec spec;
    spec.params = *db::parse_conninfo(cluster_->conninfo(PgCluster::kPrimary));
    auto opened = db::Connection::open(spec, db::SteadyClock::now() + 10s);
    if (!opened) throw std::runtime_error(opened.error().to_string());
    return std::move(*opened);
  }

  static inline PgCluster* cluster_ = nullptr;
};

TEST_F(DbScript, AServerErrorCarriesItsCharacterPositionInTheScript) {
  auto conn = connect();
  const std::string script = "SELECT 'é€';\nSELECT 1;\nSELEC 2;\n";
  auto result = conn.run_script(script, 10s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().sqlstate, "42601");
  // Characters, not bytes: "SELECT 'é€';\nSELECT 1;\n" is 23 characters (26 bytes).
  EXPECT_EQ(result.error().statement_position, 24) << result.error().to_string();

  auto no_position = conn.run_script("SELECT 1 / 0", 10s);
  ASSERT_FALSE(no_position);
  EXPECT_EQ(no_position.error().statement_position, 0);
}

TEST_F(DbScript, TellsWhetherTheSessionIsInATransactionBlock) {
  auto conn = connect();
  EXPECT_FALSE(conn.in_transaction_block());
  ASSERT_TRUE(conn.run_script("BEGIN; CREATE TEMP TABLE t (id int); INSERT INTO t VALUES (1)", 10s));
  EXPECT_TRUE(conn.in_transaction_block());
  EXPECT_FALSE(conn.run_script("SELECT nope", 10s));
  EXPECT_TRUE(conn.in_transaction_block()) << "a failed transaction is still open until ROLLBACK";
  ASSERT_TRUE(conn.run_script("ROLLBACK", 10s));
  EXPECT_FALSE(conn.in_transaction_block());
}

}  // namespace
}  // namespace pgvigil
