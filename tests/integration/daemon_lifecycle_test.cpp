// The real pgvigil binary against real servers: readiness and stop through a notify socket,
// reload on SIGHUP (good and bad files), stop while a server is hung, start with no reachable
// database, config checking exit codes, and no password in any log line.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "notify_socket.h"
#include "pg_cluster.h"
#include "ports.h"
#include "subprocess.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::NotifySocket;
using testing::PgCluster;
using testing::Subprocess;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string member_yaml(const std::string& name, int port, const std::string& password_file) {
  return "      - name: " + name + "\n        conninfo: \"host=127.0.0.1 port=" + std::to_string(port) +
         " dbname=postgres user=pgvigil\"\n        password_file: " + password_file + "\n";
}

std::string config_yaml(const std::string& members, const std::string& interval = "1s") {
  // A port of its own: the default 9188 may be taken by a demo or by a test running alongside.
  return "daemon:\n  log: { level: info }\nhttp:\n  listen: 127.0.0.1:" + std::to_string(testing::free_port()) +
         "\nclusters:\n  - name: main\n    members:\n" + members +
         "    retry: { base: 100ms, max: 1s }\n    health: { interval: " + interval + " }\n";
}

size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

bool wait_for_log(const fs::path& log, const std::string& needle, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (testing::read_file(log.string()).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

class DaemonLifecycle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new PgCluster(PgCluster::start({})); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  std::string good_members() const {
    return member_yaml("primary", cluster_->port(0), cluster_->password_file()) +
           member_yaml("replica", cluster_->port(1), cluster_->password_file());
  }
  Subprocess start(const fs::path& config, const fs::path& log, const NotifySocket* notify = nullptr) {
    std::vector<std::pair<std::string, std::string>> env;
    if (notify) env.emplace_back("NOTIFY_SOCKET", notify->path());
    return Subprocess::spawn({PGVIGIL_BINARY, "--config", config.string()}, env, log.string());
  }
  static PgCluster* cluster_;
  TempDir dir_;
};
PgCluster* DaemonLifecycle::cluster_ = nullptr;

TEST_F(DaemonLifecycle, ConnectsToBothMembersSignalsReadyAndStopsCleanly) {
  NotifySocket notify((dir_ / "notify.sock").string());
  write_file(dir_ / "pgvigil.yaml", config_yaml(good_members()));
  auto daemon = start(dir_ / "pgvigil.yaml", dir_ / "log", &notify);
  ASSERT_TRUE(notify.wait_for("READY=1", 10s)) << testing::read_file((dir_ / "log").string());
  const auto log = testing::read_file((dir_ / "log").string());
  EXPECT_NE(log.find("member=primary up as primary"), std::string::npos) << log;
  EXPECT_NE(log.find("member=replica up as replica"), std::string::npos) << log;
  EXPECT_TRUE(notify.wait_for("STATUS=2 of 2 members up", 5s));

  const auto stop_sent = std::chrono::steady_clock::now();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_sent, 5s);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 1s));
}

TEST_F(DaemonLifecycle, SighupAppliesAGoodFileAndKeepsTheOldConfigOnABadOne) {
  NotifySocket notify((dir_ / "notify.sock").string());
  const auto config = dir_ / "pgvigil.yaml";
  write_file(config, config_yaml(good_members()));
  auto daemon = start(config, dir_ / "log", &notify);
  ASSERT_TRUE(notify.wait_for("READY=1", 10s));

  write_file(config, config_yaml(member_yaml("primary", cluster_->port(0), cluster_->password_file()), "2s"));
  daemon.signal(SIGHUP);
  ASSERT_TRUE(wait_for_log(dir_ / "log", "configuration reloaded: 1 cluster(s)", 5s));
  EXPECT_TRUE(notify.wait_for("RELOADING=1", 1s));
  EXPECT_TRUE(notify.wait_for("STATUS=1 of 1 members up", 5s)) << "the new config is running";

  write_file(config, config_yaml(good_members()) + "bogus_key: 1\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(wait_for_log(dir_ / "log", "keeping the running configuration", 5s));
  const auto log = testing::read_file((dir_ / "log").string());
  EXPECT_NE(log.find(config.string() + ":" ), std::string::npos) << "the error names the file";
  EXPECT_NE(log.find("bogus_key"), std::string::npos) << "and the key";
  EXPECT_TRUE(daemon.running());
  std::this_thread::sleep_for(2500ms);
  std::string last_status;
  for (const auto& m : notify.messages()) {
    if (m.starts_with("STATUS=")) last_status = m;
  }
  EXPECT_EQ(last_status, "STATUS=1 of 1 members up") << "still running the last good config";
  EXPECT_EQ(notify.messages().back(), "READY=1") << "a rejected reload still ends the RELOADING state";

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0);
}

TEST_F(DaemonLifecycle, StopsWithinFiveSecondsWhileAMemberIsHung) {
  auto pg = PgCluster::start({.with_replica = false});
  write_file(dir_ / "pgvigil.yaml",
             config_yaml(member_yaml("hung", pg.port(0), pg.password_file()) +
                         member_yaml("replica", cluster_->port(1), cluster_->password_file())));
  auto daemon = start(dir_ / "pgvigil.yaml", dir_ / "log");
  ASSERT_TRUE(wait_for_log(dir_ / "log", "member=hung up as primary", 10s));
  pg.sigstop(0);
  std::this_thread::sleep_for(1500ms);  // a cycle is now waiting on the stopped server
  const auto stop_sent = std::chrono::steady_clock::now();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_sent, 5s);
  pg.sigcont(0);
}

TEST_F(DaemonLifecycle, StartsWithoutAnyDatabaseAndLogsEachErrorOnce) {
  NotifySocket notify((dir_ / "notify.sock").string());
  const int port = testing::free_port();
  write_file(dir_ / "pgvigil.yaml", config_yaml(member_yaml("nowhere", port, cluster_->password_file()), "200ms"));
  auto daemon = start(dir_ / "pgvigil.yaml", dir_ / "log", &notify);
  EXPECT_TRUE(notify.wait_for("READY=1", 5s)) << "a first cycle completed, even if it failed";
  std::this_thread::sleep_for(3s);  // about 15 cycles and several retries
  EXPECT_TRUE(daemon.running());
  const auto log = testing::read_file((dir_ / "log").string());
  EXPECT_EQ(count_matches(log, "member=nowhere down: connection"), 1u) << log;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0);
}

TEST_F(DaemonLifecycle, PasswordsNeverReachTheLog) {
  const std::string inline_password = "inline-Secret-7781";
  write_file(dir_ / "wrong.pw", "wrong-Secret-9923\n");
  const std::string members =
      member_yaml("good", cluster_->port(0), cluster_->password_file()) +
      member_yaml("badpw", cluster_->port(1), (dir_ / "wrong.pw").string()) +
      "      - name: inline\n        conninfo: \"host=127.0.0.1 port=" + std::to_string(cluster_->port(0)) +
      " dbname=postgres user=pgvigil password=" + inline_password + "\"\n";
  write_file(dir_ / "pgvigil.yaml", config_yaml(members));
  auto daemon = Subprocess::spawn({PGVIGIL_BINARY, "--config", (dir_ / "pgvigil.yaml").string(), "--log-level", "debug"},
                                  {}, (dir_ / "log").string());
  ASSERT_TRUE(wait_for_log(dir_ / "log", "member=badpw down: authentication", 10s));
  ASSERT_TRUE(wait_for_log(dir_ / "log", "member=good up", 10s));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(5s), 0);
  const auto log = testing::read_file((dir_ / "log").string());
  EXPECT_NE(log.find("password"), std::string::npos) << "the inline password is warned about";
  for (const std::string& secret : {inline_password, std::string("wrong-Secret-9923"), cluster_->password()}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret in log: " << log;
  }
}

TEST(DaemonCommandLine, CheckConfigExitCodes) {
  TempDir dir;
  write_file(dir / "good.yaml",
             "clusters:\n  - name: c\n    members:\n      - { name: m, conninfo: \"host=127.0.0.1 port=5432\" }\n");
  write_file(dir / "bad.yaml", "clusters:\n  - name: c\n    memberz: []\n");
  auto ok = testing::run_command({PGVIGIL_BINARY, "--check-config", (dir / "good.yaml").string()}, 10s);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.output.find("OK"), std::string::npos);
  auto bad = testing::run_command({PGVIGIL_BINARY, "--config", (dir / "bad.yaml").string(), "--check-config"}, 10s);
  EXPECT_EQ(bad.exit_code, 78);
  EXPECT_NE(bad.output.find((dir / "bad.yaml").string() + ":3:"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("memberz"), std::string::npos) << bad.output;
  auto missing = testing::run_command({PGVIGIL_BINARY, "--config", (dir / "nope.yaml").string()}, 10s);
  EXPECT_EQ(missing.exit_code, 78) << "a daemon with a bad config does not start";
  auto usage = testing::run_command({PGVIGIL_BINARY, "--frobnicate"}, 10s);
  EXPECT_EQ(usage.exit_code, 64);
  auto version = testing::run_command({PGVIGIL_BINARY, "--version"}, 10s);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("pgvigil "), std::string::npos);
}

}  // namespace
}  // namespace pgvigil
