// The libpq layer against real servers: roles, authentication, deadlines on hung servers,
// reconnect after a crash, and detection of sessions the server closed.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "db/connection.h"
#include "db/conninfo.h"
#include "pg_cluster.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::PgCluster;

db::ConnectSpec spec_for(const PgCluster& cluster, int member, std::string password) {
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(cluster.conninfo(member, "pgvigil"));
  spec.password = std::move(password);
  spec.connect_timeout = 2s;
  spec.statement_timeout = 1500ms;
  spec.lock_timeout = 500ms;
  return spec;
}

db::Connection connect(const PgCluster& cluster, int member) {
  auto opened = db::Connection::open(spec_for(cluster, member, cluster.password()), db::SteadyClock::now() + 3s);
  if (!opened) throw std::runtime_error(opened.error().to_string());
  return std::move(*opened);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class DbConnection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new PgCluster(PgCluster::start({})); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static PgCluster* cluster_;
};
PgCluster* DbConnection::cluster_ = nullptr;

TEST_F(DbConnection, ReachesPrimaryAndReplicaWithTheirRoles) {
  auto primary = connect(*cluster_, 0);
  auto replica = connect(*cluster_, 1);
  auto p = primary.query("SELECT pg_is_in_recovery() AS r", 1s);
  auto r = replica.query("SELECT pg_is_in_recovery() AS r", 1s);
  ASSERT_TRUE(p && r);
  EXPECT_EQ(p->get_bool(0, "r"), false);
  EXPECT_EQ(r->get_bool(0, "r"), true);
  EXPECT_GE(primary.server_version(), 150000);
}

TEST_F(DbConnection, SessionsNameThemselvesAndCarryServerSideLimits) {
  auto conn = connect(*cluster_, 0);
  auto settings = conn.query(
      "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st, "
      "current_setting('lock_timeout') AS lt",
      1s);
  ASSERT_TRUE(settings) << settings.error().to_string();
  EXPECT_EQ(settings->get(0, "app"), "pgvigil");
  EXPECT_EQ(settings->get(0, "st"), "1500ms");
  EXPECT_EQ(settings->get(0, "lt"), "500ms");
}

TEST_F(DbConnection, ParametersAreBoundNotInterpolated) {
  auto conn = connect(*cluster_, 0);
  const std::vector<db::Param> params = {std::string("x'; DROP TABLE nothing; --"), std::nullopt};
  auto echoed = conn.query("SELECT $1::text AS a, $2::text IS NULL AS b", params, 1s);
  ASSERT_TRUE(echoed) << echoed.error().to_string();
  EXPECT_EQ(echoed->get(0, "a"), "x'; DROP TABLE nothing; --");
  EXPECT_EQ(echoed->get_bool(0, "b"), true);
}

TEST_F(DbConnection, WrongPasswordIsAnAuthenticationErrorThatNamesNoSecret) {
  auto opened = db::Connection::open(spec_for(*cluster_, 0, "not-the-password-42"), db::SteadyClock::now() + 3s);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, db::ErrorKind::authentication) << opened.error().to_string();
  EXPECT_FALSE(opened.error().retryable);
  EXPECT_EQ(opened.error().to_string().find("not-the-password-42"), std::string::npos);
}

TEST_F(DbConnection, ServerErrorsAreClassifiedBySqlstate) {
  auto conn = connect(*cluster_, 0);
  auto missing = conn.query("SELECT * FROM no_such_table", 1s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, db::ErrorKind::schema);
  EXPECT_EQ(missing.error().sqlstate, "42P01");
  auto slow = conn.query("SELECT pg_sleep(5)", 3s);  // statement_timeout is 1500ms
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, db::ErrorKind::timeout);
  EXPECT_EQ(slow.error().sqlstate, "57014");
  EXPECT_TRUE(conn.is_open()) << "a server-side timeout leaves the session usable";
  EXPECT_TRUE(conn.query("SELECT 1", 1s));
}

TEST_F(DbConnection, TerminatedSessionIsNoticedWhileIdle) {
  auto conn = connect(*cluster_, 0);
  ASSERT_TRUE(conn.check_idle());
  cluster_->exec(0, "SELECT pg_terminate_backend(" + std::to_string(conn.backend_pid()) + ")");
  const auto start = std::chrono::steady_clock::now();
  while (conn.check_idle() && seconds_since(start) < 2) std::this_thread::sleep_for(1ms);
  EXPECT_FALSE(conn.check_idle());
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_FALSE(conn.is_open());
}

// Tests that stop, kill or restart servers get their own cluster.
TEST(DbConnectionFailures, StoppedServerMissesTheDeadlineWithoutHangingAndRecovers) {
  auto cluster = PgCluster::start({.with_replica = false});
  auto conn = connect(cluster, 0);
  cluster.sigstop(0);
  auto start = std::chrono::steady_clock::now();
  auto answer = conn.query("SELECT 1", 700ms);
  const double took = seconds_since(start);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, db::ErrorKind::timeout);
  EXPECT_GE(took, 0.69);
  EXPECT_LT(took, 1.5);
  EXPECT_FALSE(conn.is_open()) << "a missed deadline drops the session";

  start = std::chrono::steady_clock::now();
  auto spec = spec_for(cluster, 0, cluster.password());
  auto opened = db::Connection::open(spec, db::SteadyClock::now() + 800ms);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, db::ErrorKind::timeout);
  EXPECT_LT(seconds_since(start), 1.5);

  cluster.sigcont(0);
  auto again = connect(cluster, 0);
  EXPECT_TRUE(again.query("SELECT 1", 2s));
}

TEST(DbConnectionFailures, InterrupterEndsAWaitOnAHungServerAtOnce) {
  auto cluster = PgCluster::start({.with_replica = false});
  db::Interrupter interrupter;
  auto opened = db::Connection::open(spec_for(cluster, 0, cluster.password()), db::SteadyClock::now() + 3s,
                                     &interrupter);
  ASSERT_TRUE(opened);
  cluster.sigstop(0);
  auto pending = std::async(std::launch::async, [&] { return opened->query("SELECT 1", 30s); });
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  interrupter.fire();
  ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_FALSE(pending.get());
  cluster.sigcont(0);
}

TEST(DbConnectionFailures, KilledServerIsAConnectionErrorAndARestartHeals) {
  auto cluster = PgCluster::start({.with_replica = false});
  auto conn = connect(cluster, 0);
  cluster.kill(0);
  auto lost = conn.query("SELECT 1", 2s);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, db::ErrorKind::connection) << lost.error().to_string();
  EXPECT_TRUE(lost.error().retryable);
  auto refused = db::Connection::open(spec_for(cluster, 0, cluster.password()), db::SteadyClock::now() + 2s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, db::ErrorKind::connection) << refused.error().to_string();
  cluster.restart(0);
  auto again = connect(cluster, 0);
  EXPECT_TRUE(again.query("SELECT 1", 2s));
}

}  // namespace
}  // namespace pgvigil
