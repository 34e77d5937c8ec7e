// How often the daemon reads pg_stat_activity, counted by the server itself: pg_stat_statements
// (preloaded by the harness) records every statement of the pgvigil role. With the canceller on,
// its activity poll scans pg_stat_activity once per activity interval and the health cycle adopts
// that reading, so a member is scanned once per interval, not once for each; the session checks'
// reasons still name the sessions. With the canceller off the health cycle scans for itself.
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kReasonLimit = 15s;
constexpr auto kWindow = 10s;

std::string message_of(const Json* reason) { return reason ? reason->value("message", "") : std::string(); }

// Statements of the pgvigil role that read pg_stat_activity since the last reset: how many times
// they ran, and which they were (for a failure message).
struct ActivityScans {
  long long calls = 0;
  std::string statements;
};

ActivityScans activity_scans(const PgCluster& pg) {
  ActivityScans scans;
  const auto rows = pg.exec(PgCluster::kPrimary,
                            "SELECT s.calls, left(s.query, 100) FROM pg_stat_statements AS s"
                            " JOIN pg_roles AS r ON r.oid = s.userid"
                            " WHERE r.rolname = 'pgvigil' AND s.query LIKE '%pg_stat_activity%'"
                            " ORDER BY s.calls DESC");
  for (const auto& row : rows) {
    scans.calls += std::stoll(row.at(0).value_or("0"));
    scans.statements += row.at(0).value_or("") + " × " + row.at(1).value_or("") + "\n";
  }
  return scans;
}

// pgvigil_cycles_total of `member`: the health cycles it finished.
double cycles_of(const DaemonUnderTest& daemon, const std::string& member) {
  std::istringstream lines(daemon.get("/metrics").body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("pgvigil_cycles_total{") && line.find("member=\"" + member + "\"") != std::string::npos) {
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return -1;
}

struct Window {
  ActivityScans scans;
  double seconds = 0;
  double cycles = 0;
};

// Forgets what the role ran so far, lets the daemon run for kWindow, and counts.
Window measure(const PgCluster& pg, const DaemonUnderTest& daemon) {
  const double cycles_before = cycles_of(daemon, "primary");
  pg.exec(PgCluster::kPrimary, "SELECT pg_stat_statements_reset()");
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(kWindow);
  Window window;
  window.scans = activity_scans(pg);
  window.seconds = seconds_since(start);
  window.cycles = cycles_of(daemon, "primary") - cycles_before;
  return window;
}

DaemonConfig sessions_config(const PgCluster& pg, const std::string& cancel_mode) {
  DaemonConfig config;
  config.members = {{"primary", pg.port(PgCluster::kPrimary), pg.password_file()}};
  config.interval = "1s";
  config.checks["cache_hit"] = "{ enabled: false }";
  config.checks["long_running"] = "{ warning: 1s }";
  config.checks["idle_in_transaction"] = "{ warning: 1s }";
  // A handful of sessions of 47 usable slots is past 5%.
  config.checks["connections"] = "{ warning: 0.05, critical: 0.95 }";
  // The limits are far away: the dry run decides nothing, so no blocking tree is read either.
  config.queries = "{ activity_interval: 1s, cancel: { mode: " + cancel_mode + " } }";
  return config;
}

// A query running, a transaction left idle and two idle sessions, on the primary.
struct Workload {
  explicit Workload(const PgCluster& pg)
      : runner(pg.port(PgCluster::kPrimary), "app", "runner"), idler(pg.port(PgCluster::kPrimary), "app", "idler"),
        idle1(pg.port(PgCluster::kPrimary), "app", "idle"), idle2(pg.port(PgCluster::kPrimary), "app", "idle") {
    runner.send("SELECT pg_sleep(60)");
    idler.exec("BEGIN");
    idler.exec("SELECT 1");
  }
  PgSession runner;
  PgSession idler;
  PgSession idle1;
  PgSession idle2;
};

// The session checks' three reasons, naming the sessions.
Json wait_for_session_reasons(const DaemonUnderTest& daemon, const Workload& work) {
  const std::string runner_pid = "pid " + std::to_string(work.runner.backend_pid());
  const std::string idler_pid = "pid " + std::to_string(work.idler.backend_pid());
  return poll_member(
      daemon, "primary",
      [&](const Json& m) {
        return message_of(reason_of(m, "long_running")).find(runner_pid) != std::string::npos &&
               message_of(reason_of(m, "idle_in_transaction")).find(idler_pid) != std::string::npos &&
               reason_of(m, "connections") != nullptr;
      },
      kReasonLimit);
}

void expect_session_reasons(const Json& primary, const Workload& work) {
  const Json* long_running = reason_of(primary, "long_running");
  const Json* idle = reason_of(primary, "idle_in_transaction");
  const Json* connections = reason_of(primary, "connections");
  ASSERT_NE(long_running, nullptr) << primary.dump(2);
  ASSERT_NE(idle, nullptr) << primary.dump(2);
  ASSERT_NE(connections, nullptr) << primary.dump(2);
  EXPECT_NE(message_of(long_running).find("pid " + std::to_string(work.runner.backend_pid()) + ", user app"),
            std::string::npos)
      << primary.dump(2);
  EXPECT_NE(message_of(idle).find("pid " + std::to_string(work.idler.backend_pid()) + ", user app"),
            std::string::npos)
      << primary.dump(2);
  EXPECT_EQ(long_running->value("severity", ""), "warning");
  EXPECT_EQ(idle->value("threshold", ""), "1.0s");
  EXPECT_EQ(connections->value("threshold", ""), "5%");
  EXPECT_GE(primary["checks"].value("long_running", 0.0), 1.0) << primary.dump(2);
  EXPECT_GE(primary["checks"].value("idle_in_transaction", 0.0), 1.0) << primary.dump(2);
  // The four app sessions, give or take a harness session; never the daemon's own.
  const int used = primary["connections"].value("used", -1);
  EXPECT_GE(used, 4) << primary.dump(2);
  EXPECT_LE(used, 5) << primary.dump(2);
  EXPECT_EQ(primary["connections"]["by_state"].value("idle in transaction", 0), 1) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
}

TEST(HealthActivityScans, OneScanPerActivityIntervalServesTheCancellerAndTheSessionChecks) {
  auto pg = PgCluster::start({.with_replica = false});
  Workload work(pg);
  TempDir dir;
  DaemonUnderTest daemon(dir, sessions_config(pg, "dry_run"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  const Json before = wait_for_session_reasons(daemon, work);
  expect_session_reasons(before, work);

  const Window window = measure(pg, daemon);
  // One poll per second, and a poll or two that straddles the window's edges. Each health cycle
  // scanning too would double it.
  const double polls = window.seconds / 1.0;
  EXPECT_LE(static_cast<double>(window.scans.calls), polls + 2)
      << "in " << window.seconds << "s with " << window.cycles << " health cycles:\n" << window.scans.statements;
  EXPECT_GE(static_cast<double>(window.scans.calls), polls - 3) << "the poll did not run:\n" << window.scans.statements;
  EXPECT_GE(window.cycles, window.seconds - 3) << "the health cycle ran meanwhile, without scanning";

  // Still judged as before, from the poll's readings.
  const Json after = wait_for_session_reasons(daemon, work);
  expect_session_reasons(after, work);
  EXPECT_GT(after["checks"].value("idle_in_transaction", 0.0),
            before["checks"].value("idle_in_transaction", 0.0) + window.seconds - 3)
      << "the readings are renewed every interval:\n" << before.dump(2) << "\n" << after.dump(2);
}

TEST(HealthActivityScans, WithTheCancellerOffTheHealthCycleScansForItself) {
  auto pg = PgCluster::start({.with_replica = false});
  Workload work(pg);
  TempDir dir;
  DaemonUnderTest daemon(dir, sessions_config(pg, "off"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  expect_session_reasons(wait_for_session_reasons(daemon, work), work);

  const Window window = measure(pg, daemon);
  // One scan per health cycle, a cycle in flight at either edge of the window aside.
  EXPECT_GE(static_cast<double>(window.scans.calls), window.cycles - 2) << window.scans.statements;
  EXPECT_LE(static_cast<double>(window.scans.calls), window.cycles + 2) << window.scans.statements;
  EXPECT_GE(window.cycles, window.seconds - 3);
  expect_session_reasons(wait_for_session_reasons(daemon, work), work);
}

}  // namespace
}  // namespace pgvigil::acceptance
