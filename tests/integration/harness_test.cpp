// The test harness itself, against real servers: what every other integration test relies on
// (streaming replica, real password authentication, kill/restart, stop/continue, promotion,
// replay pause) and a teardown that leaves nothing behind.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "pg_cluster.h"
#include "polling.h"
#include "ports.h"
#include "process_table.h"
#include "server_account.h"
#include "subprocess.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::PgCluster;
using testing::Subprocess;
namespace fs = std::filesystem;

std::string cell(const testing::Rows& rows) { return rows.at(0).at(0).value_or("NULL"); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(HarnessSubprocess, ReportsExitCodesSignalsAndTimeouts) {
  auto ok = Subprocess::spawn({"sh", "-c", "exit 3"});
  EXPECT_EQ(ok.wait_for_exit(5s), 3);
  auto sleeper = Subprocess::spawn({"sleep", "30"});
  EXPECT_TRUE(sleeper.running());
  EXPECT_EQ(sleeper.wait_for_exit(50ms), std::nullopt);
  sleeper.signal(SIGTERM);
  EXPECT_EQ(sleeper.wait_for_exit(5s), 128 + SIGTERM);
  EXPECT_THROW(Subprocess::spawn({"/nonexistent/program"}), std::runtime_error);

  auto echoed = testing::run_command({"sh", "-c", "echo out; echo err >&2; echo \"$GREETING\""}, 5s);
  EXPECT_EQ(echoed.exit_code, 0);
  EXPECT_EQ(echoed.output, "out\nerr\n\n");
  testing::SpawnOptions with_env;
  with_env.extra_env = {{"GREETING", "hello"}};
  EXPECT_EQ(testing::run_command({"sh", "-c", "echo \"$GREETING\""}, 5s, with_env).output, "hello\n");
  EXPECT_THROW(testing::run_command({"sleep", "30"}, 100ms), std::runtime_error);
}

TEST(HarnessPorts, FreePortsAreBelowTheEphemeralRange) {
  const int port = testing::free_port();
  EXPECT_GE(port, 20000);
  EXPECT_LE(port, 32000);
  EXPECT_TRUE(testing::port_is_free(port));
}

class HarnessCluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto start = std::chrono::steady_clock::now();
    cluster_ = new PgCluster(PgCluster::start({}));
    std::printf("primary + streaming replica ready in %.2f s\n", seconds_since(start));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static PgCluster* cluster_;
};
PgCluster* HarnessCluster::cluster_ = nullptr;

TEST_F(HarnessCluster, PrimaryAndReplicaRunAndStream) {
  auto& pg = *cluster_;
  EXPECT_EQ(cell(pg.exec(0, "SELECT pg_is_in_recovery()")), "f");
  EXPECT_EQ(cell(pg.exec(1, "SELECT pg_is_in_recovery()")), "t");
  EXPECT_EQ(cell(pg.exec(0, "SELECT state FROM pg_stat_replication")), "streaming");
  EXPECT_EQ(cell(pg.exec(1, "SELECT status FROM pg_stat_wal_receiver")), "streaming");
  EXPECT_EQ(cell(pg.exec(0, "SHOW max_connections")), "50");
  EXPECT_EQ(cell(pg.exec(1, "SHOW listen_addresses")), "127.0.0.1");
  EXPECT_NO_THROW(pg.exec(0, "SELECT count(*) FROM pg_stat_statements", "pgvigil"));
  EXPECT_NE(pg.port(0), pg.port(1));
  EXPECT_LT(pg.port(0), 32768);
  EXPECT_LT(pg.port(1), 32768);

  pg.exec(0, "CREATE TABLE harness_replicated(id int); INSERT INTO harness_replicated VALUES (42)");
  EXPECT_TRUE(testing::poll_until(
      [&] { return pg.exec(1, "SELECT to_regclass('harness_replicated') IS NOT NULL")[0][0] == "t"; }, 5s));
  EXPECT_EQ(cell(pg.exec(1, "SELECT id FROM harness_replicated")), "42");
  EXPECT_EQ(pg.exec(0, "SELECT NULL::text").at(0).at(0), std::nullopt);
  EXPECT_THROW(pg.exec(0, "SELECT * FROM no_such_table"), std::runtime_error);
}

TEST_F(HarnessCluster, PgvigilLogsInWithItsPasswordOnly) {
  auto& pg = *cluster_;
  EXPECT_EQ(cell(pg.exec(0, "SELECT current_user", "pgvigil")), "pgvigil");
  EXPECT_EQ(cell(pg.exec(1, "SELECT current_user", "pgvigil")), "pgvigil");
  EXPECT_EQ(cell(pg.exec(0, "SELECT pg_has_role('pg_monitor', 'member') AND pg_has_role('pg_signal_backend', 'member')",
                         "pgvigil")),
            "t");
  try {
    testing::run_sql(pg.conninfo(0, "pgvigil") + " password=wrong-password", "SELECT 1");
    ADD_FAILURE() << "a wrong password was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("password authentication failed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(testing::run_sql(pg.conninfo(0, "pgvigil"), "SELECT 1"), std::runtime_error);
  EXPECT_EQ(cell(pg.exec(0, "SELECT current_user", "app")), "app");

  EXPECT_EQ(testing::read_file(pg.password_file()), pg.password() + "\n");
  struct stat info {};
  ASSERT_EQ(::stat(pg.password_file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_uid, ::geteuid());
}

TEST_F(HarnessCluster, ReplayPausesAndResumes) {
  auto& pg = *cluster_;
  pg.pause_replay();
  pg.exec(0, "CREATE TABLE harness_paused(id int)");
  const auto written = cell(pg.exec(0, "SELECT pg_current_wal_lsn()"));
  EXPECT_TRUE(testing::poll_until(
      [&] { return pg.exec(1, "SELECT pg_last_wal_receive_lsn() >= '" + written + "'")[0][0] == "t"; }, 5s))
      << "a paused replica keeps receiving";
  EXPECT_EQ(cell(pg.exec(1, "SELECT to_regclass('harness_paused') IS NULL")), "t") << "but does not replay";
  pg.resume_replay();
  EXPECT_TRUE(testing::poll_until(
      [&] { return pg.exec(1, "SELECT to_regclass('harness_paused') IS NOT NULL")[0][0] == "t"; }, 5s));
}

TEST(HarnessFailures, KilledPrimaryIsGoneAndComesBackOnItsPort) {
  auto pg = PgCluster::start({.with_replica = false});
  const pid_t old_pid = pg.postmaster_pid(0);
  const int port = pg.port(0);
  const auto start = std::chrono::steady_clock::now();
  pg.kill(0);
  const double kill_seconds = seconds_since(start);
  EXPECT_TRUE(testing::process_gone(old_pid));
  EXPECT_TRUE(pg.server_processes(0).empty());
  EXPECT_TRUE(testing::port_is_free(port));
  EXPECT_EQ(pg.postmaster_pid(0), 0);
  EXPECT_THROW(pg.exec(0, "SELECT 1", "postgres", 2s), std::runtime_error);

  const auto restart_began = std::chrono::steady_clock::now();
  pg.restart(0);
  std::printf("kill %.2f s, restart %.2f s\n", kill_seconds, seconds_since(restart_began));
  EXPECT_EQ(pg.port(0), port);
  EXPECT_NE(pg.postmaster_pid(0), old_pid);
  EXPECT_EQ(cell(pg.exec(0, "SELECT 1", "pgvigil")), "1");
}

TEST(HarnessFailures, StoppedServerHangsUntilContinued) {
  auto pg = PgCluster::start({.with_replica = false});
  pg.sigstop(0);
  for (pid_t pid : pg.server_processes(0)) EXPECT_EQ(testing::process_state(pid), 'T') << pid;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(pg.exec(0, "SELECT 1", "postgres", 300ms), std::runtime_error);
  EXPECT_LT(seconds_since(start), 1.0);
  pg.sigcont(0);
  EXPECT_EQ(cell(pg.exec(0, "SELECT 1", "postgres", 5s)), "1");
}

TEST(HarnessFailures, ReplicaIsPromotedAndOldPrimaryRestarts) {
  auto pg = PgCluster::start({});
  pg.stop(0);
  EXPECT_TRUE(pg.server_processes(0).empty());
  pg.promote(1);
  EXPECT_EQ(cell(pg.exec(1, "SELECT pg_is_in_recovery()")), "f");
  pg.exec(1, "CREATE TABLE harness_after_promotion(id int)");
  EXPECT_EQ(cell(pg.exec(1, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")), "00000002");
  // pg_control_checkpoint() shows the new timeline only after the checkpoint that promotion requests.
  EXPECT_TRUE(testing::poll_until(
      [&] { return cell(pg.exec(1, "SELECT timeline_id FROM pg_control_checkpoint()")) == "2"; }, 5s));
  pg.restart(0);
  EXPECT_EQ(cell(pg.exec(0, "SELECT pg_is_in_recovery()")), "f") << "the old primary is a second primary";
}

TEST(HarnessTeardown, LeavesNoProcessAndNoDirectory) {
  std::string base_dir;
  std::vector<std::string> data_dirs;
  {
    auto pg = PgCluster::start({});
    base_dir = pg.base_dir();
    data_dirs = {pg.data_dir(0), pg.data_dir(1)};
    pg.sigstop(1);  // teardown copes with a hung server
    ASSERT_FALSE(pg.server_processes(0).empty());
  }
  for (const auto& dir : data_dirs) EXPECT_TRUE(testing::processes_with_cmdline_containing(dir).empty()) << dir;
  EXPECT_TRUE(testing::processes_with_cmdline_containing(fs::path(base_dir).filename().string()).empty());
  EXPECT_FALSE(fs::exists(base_dir));
}

TEST(HarnessTeardown, DetachedClusterIsStoppedByAttaching) {
  std::string base_dir;
  int port = 0;
  {
    auto pg = PgCluster::start({.with_replica = false});
    port = pg.port(0);
    base_dir = pg.detach();
  }  // a detached cluster's destructor leaves the servers running
  auto attached = PgCluster::attach(base_dir);
  EXPECT_EQ(attached.port(0), port);
  EXPECT_EQ(cell(attached.exec(0, "SELECT 1", "pgvigil")), "1");
  attached.teardown();
  EXPECT_FALSE(fs::exists(base_dir));
  EXPECT_TRUE(testing::port_is_free(port));
  EXPECT_THROW(PgCluster::attach(base_dir), std::runtime_error);
}

TEST(HarnessCommandLine, StartsAndStopsAClusterInAnotherProcess) {
  const auto harness = fs::path(PGVIGIL_BINARY).parent_path() / "pgvigil-harness";
  if (!fs::exists(harness)) GTEST_SKIP() << harness << " is not built";
  const std::string dir = testing::make_scratch_dir("pgvigil-harness-test");
  auto started = testing::run_command({harness.string(), "start", "--dir", dir}, 60s);
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const std::string env = testing::read_file(dir + "/cluster.env");
  for (const char* name : {"PGVIGIL_DEMO_PRIMARY_PORT=", "PGVIGIL_DEMO_REPLICA_PORT=", "PGVIGIL_DEMO_PASSWORD_FILE=",
                           "PGVIGIL_DEMO_STATE_DIR="}) {
    EXPECT_NE(env.find(name), std::string::npos) << name << " missing from " << env;
  }
  EXPECT_TRUE(fs::is_directory(dir + "/state"));
  auto sourced = testing::run_command({"bash", "-c", "source " + dir + "/cluster.env && echo $PGVIGIL_DEMO_PRIMARY_PORT"}, 5s);
  const int port = std::stoi(sourced.output);
  EXPECT_FALSE(testing::port_is_free(port)) << "the server outlives the harness process";

  auto stopped = testing::run_command({harness.string(), "stop", "--dir", dir}, 30s);
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(testing::processes_with_cmdline_containing(dir).empty());
  EXPECT_EQ(testing::run_command({harness.string(), "stop", "--dir", dir}, 30s).exit_code, 0) << "idempotent";
}

}  // namespace
}  // namespace pgvigil
