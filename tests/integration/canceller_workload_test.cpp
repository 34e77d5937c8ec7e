// The canceller on a mixed workload, in enforce and in dry_run: the runaways (a long sleep on the
// primary and on the replica, a loop that swallows cancels, an idle transaction) are ended in
// time, or only recorded in dry_run; a superuser, excluded applications, pg_dump, a slow VACUUM
// and CREATE INDEX, the walsender and autovacuum are left alone without even an attempt.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "canceller_fixture.h"

namespace pgvigil::acceptance {
namespace {

// Protected sessions started by both the enforce and the dry_run test; each runs well past
// max_query_duration.
struct ProtectedSessions {
  int superuser = 0;
  int excluded_application = 0;
  int pg_dump = 0;
  int vacuum = 0;
  int create_index = 0;
};

class CancellerWorkload : public CancellerFixture {
 protected:
  ProtectedSessions start_protected() {
    ProtectedSessions p;
    auto& superuser = open(PgCluster::kPrimary, "postgres", "canceller-test");
    superuser.send("SELECT pg_sleep(600)");
    p.superuser = superuser.backend_pid();
    auto& excluded = open(PgCluster::kPrimary, "app", "nightly-report");
    excluded.send("SELECT pg_sleep(600)");
    p.excluded_application = excluded.backend_pid();
    auto& dump = open(PgCluster::kPrimary, "app", "pg_dump");
    dump.send("SELECT pg_sleep(600)");
    p.pg_dump = dump.backend_pid();
    auto& vacuum = open(PgCluster::kPrimary, "app", "canceller-test");
    // At most 4 x 100ms of sleep per page read: minutes for the table's few hundred pages.
    vacuum.exec("SET vacuum_cost_delay = '100ms'; SET vacuum_cost_limit = 1");
    vacuum.send("VACUUM (DISABLE_PAGE_SKIPPING) vac_target");
    p.vacuum = vacuum.backend_pid();
    auto& index = open(PgCluster::kPrimary, "app", "canceller-test");
    index.send("CREATE INDEX ON idx_target (slow_key(i))");  // 1000 rows x 50ms
    p.create_index = index.backend_pid();
    return p;
  }

  // Waits until /actions shows a skip for every protected session, and returns the document.
  Json wait_for_protected_skips(const DaemonUnderTest& daemon, const ProtectedSessions& p) {
    Json seen;
    testing::poll_until(
        [&] {
          seen = actions(daemon);
          return std::ranges::all_of(std::vector{p.superuser, p.excluded_application, p.pg_dump, p.vacuum,
                                                 p.create_index},
                                     [&](int pid) { return !skip_reason(seen, "primary", pid).empty(); });
        },
        kLongWait, 100ms);
    return seen;
  }

  void expect_protected_left_alone(const Json& document, const ProtectedSessions& p) {
    EXPECT_EQ(skip_reason(document, "primary", p.superuser), "superuser") << dump(document);
    EXPECT_EQ(skip_reason(document, "primary", p.excluded_application), "excluded_application") << dump(document);
    EXPECT_EQ(skip_reason(document, "primary", p.pg_dump), "excluded_application") << dump(document);
    EXPECT_EQ(skip_reason(document, "primary", p.vacuum), "maintenance") << dump(document);
    EXPECT_EQ(skip_reason(document, "primary", p.create_index), "maintenance") << dump(document);
    // Recorded once each, however many polls saw them.
    for (int pid : {p.superuser, p.excluded_application, p.pg_dump, p.vacuum, p.create_index}) {
      EXPECT_EQ(records_for(document, "primary", pid), 1u) << "pid " << pid << "\n" << dump(document);
      EXPECT_TRUE(still_active(PgCluster::kPrimary, pid)) << "pid " << pid << " was stopped";
    }
  }

  // No attempt on anything but a client backend: the walsender serving the replica, autovacuum
  // workers, the replica's walreceiver and startup process are never tried.
  void expect_only_client_backends_attempted(const Json& document) {
    std::map<std::string, int> member_index{{"primary", PgCluster::kPrimary}, {"replica", PgCluster::kReplica}};
    for (const auto& a : attempts(document)) {
      const std::string type = scalar(member_index.at(a.member),
                                      "SELECT backend_type FROM pg_stat_activity WHERE pid = " + std::to_string(a.pid));
      EXPECT_TRUE(type.empty() || type == "client backend")
          << a.action << " attempted on " << a.member << " pid " << a.pid << " (" << type << ")";
    }
  }
};

TEST_F(CancellerWorkload, EnforceEndsRunawaysInTimeAndLeavesProtectedSessionsAlone) {
  TempDir dir;
  DaemonUnderTest daemon(dir, canceller_config("enforce"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  const int walsender = std::stoi(scalar(PgCluster::kPrimary, "SELECT coalesce(max(pid), 0) FROM pg_stat_activity"
                                                              " WHERE backend_type = 'walsender'"));
  ASSERT_NE(walsender, 0) << "the replica streams through a walsender on the primary";

  const auto protected_sessions = start_protected();
  auto& idle = open(PgCluster::kPrimary, "app", "canceller-test");
  idle.exec("BEGIN; SELECT 1");
  const auto idle_since = std::chrono::steady_clock::now();
  auto& stubborn = open(PgCluster::kPrimary, "app", "canceller-test");
  auto& runaway = open(PgCluster::kPrimary, "app", "canceller-test");
  auto& replica_runaway = open(PgCluster::kReplica, "app", "canceller-test");
  // Read before the sessions end: a terminated connection no longer knows its backend.
  const int stubborn_pid = stubborn.backend_pid();
  const int runaway_pid = runaway.backend_pid();
  const int replica_pid = replica_runaway.backend_pid();
  stubborn.send(kStubbornLoop);
  const auto stubborn_sent = std::chrono::steady_clock::now();
  runaway.send("SELECT pg_sleep(600)");
  const auto runaway_sent = std::chrono::steady_clock::now();
  replica_runaway.send("SELECT pg_sleep(600)");
  const auto replica_sent = std::chrono::steady_clock::now();

  // The runaway is cancelled within max_query_duration + activity_interval + 1s.
  const auto cancel_bound = kMaxQueryDuration + kActivityInterval + kSlack;
  const auto runaway_end = runaway.wait_end(kLongWait);
  const double runaway_seconds = seconds_since(runaway_sent);
  ASSERT_TRUE(runaway_end.has_value()) << "SELECT pg_sleep(600) was never cancelled\n" << daemon.log();
  EXPECT_TRUE(runaway_end->cancelled()) << runaway_end->sqlstate << " " << runaway_end->message;
  EXPECT_LE(ms(runaway_seconds), cancel_bound) << runaway_seconds << " s";
  EXPECT_GE(ms(runaway_seconds), kMaxQueryDuration) << "cancelled before its limit";

  const auto replica_end = replica_runaway.wait_end(kLongWait);
  const double replica_seconds = seconds_since(replica_sent);
  ASSERT_TRUE(replica_end.has_value()) << "the replica's runaway was never cancelled";
  EXPECT_TRUE(replica_end->cancelled()) << replica_end->sqlstate << " " << replica_end->message;
  EXPECT_LE(ms(replica_seconds), cancel_bound) << replica_seconds << " s";

  // Idle in transaction past its limit: terminated.
  const int idle_pid = idle.backend_pid();
  ASSERT_TRUE(testing::poll_until([&] { return !backend_exists(PgCluster::kPrimary, idle_pid); }, kLongWait))
      << "the idle transaction was never terminated";
  const double idle_seconds = seconds_since(idle_since);
  EXPECT_LE(ms(idle_seconds), kMaxIdleInTransaction + kActivityInterval + kSlack) << idle_seconds << " s";

  // The loop swallows the cancel and is terminated terminate_after later.
  const auto stubborn_end = stubborn.wait_end(kLongWait);
  const double stubborn_seconds = seconds_since(stubborn_sent);
  ASSERT_TRUE(stubborn_end.has_value()) << "the loop that ignores cancels was never terminated";
  EXPECT_TRUE(stubborn_end->terminated()) << stubborn_end->sqlstate << " " << stubborn_end->message;
  EXPECT_GE(ms(stubborn_seconds), kMaxQueryDuration + kTerminateAfter) << stubborn_seconds << " s";
  EXPECT_LE(ms(stubborn_seconds), kMaxQueryDuration + kTerminateAfter + 2 * kActivityInterval + kSlack)
      << stubborn_seconds << " s";

  // Wait for an autovacuum worker to be past the limit too, so it is known to be judged.
  std::string autovacuum;
  testing::poll_until(
      [&] {
        autovacuum = scalar(PgCluster::kPrimary,
                            "SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
                            " AND query_start < now() - interval '1.5 s' LIMIT 1");
        return !autovacuum.empty();
      },
      kLongWait, 200ms);
  ASSERT_FALSE(autovacuum.empty()) << "no autovacuum worker ran long enough on av_target";

  Json document = wait_for_protected_skips(daemon, protected_sessions);
  testing::poll_until(
      [&] { return !skip_reason(document = actions(daemon), "primary", std::stoi(autovacuum)).empty(); }, 5s, 100ms);

  // Exactly the runaways were tried: cancel the two sleeps, cancel then terminate the loop,
  // terminate the idle transaction; every signal went out and was delivered.
  std::multiset<std::tuple<std::string, int, std::string, std::string>> tried;
  for (const auto& a : attempts(document)) {
    tried.emplace(a.member, a.pid, a.action, a.reason);
    EXPECT_EQ(a.mode, "enforce");
    EXPECT_TRUE(a.executed) << a.pid;
    EXPECT_EQ(a.result, Json(true)) << a.pid;
  }
  const std::multiset<std::tuple<std::string, int, std::string, std::string>> expected{
      {"primary", runaway_pid, "cancel", "max_query_duration"},
      {"replica", replica_pid, "cancel", "max_query_duration"},
      {"primary", stubborn_pid, "cancel", "max_query_duration"},
      {"primary", stubborn_pid, "terminate", "terminate_after"},
      {"primary", idle_pid, "terminate", "max_idle_in_transaction"}};
  EXPECT_EQ(tried, expected) << dump(document);

  expect_protected_left_alone(document, protected_sessions);
  EXPECT_EQ(skip_reason(document, "primary", std::stoi(autovacuum)), "not_client_backend") << dump(document);
  // The walsender's query (START_REPLICATION) runs as long as the replica streams: judged, but
  // only ever left alone (the harness names it after its cluster, "pgvigil-cluster...", so the
  // first protection to apply is own_session; not_client_backend would follow).
  EXPECT_NE(skip_reason(document, "primary", walsender), "") << dump(document);
  EXPECT_EQ(records_for(document, "primary", walsender), 1u) << dump(document);
  expect_only_client_backends_attempted(document);

  // The record carries the session and the incident context; the audit file has the same lines.
  const auto record = std::ranges::find_if(document["actions"], [&](const Json& a) { return a["pid"] == runaway_pid; });
  ASSERT_NE(record, document["actions"].end());
  EXPECT_EQ((*record)["user"], "app");
  EXPECT_EQ((*record)["database"], "postgres");
  EXPECT_EQ((*record)["application"], "canceller-test");
  EXPECT_EQ((*record)["query"], "SELECT pg_sleep(600)");
  EXPECT_GT((*record)["duration_seconds"].get<double>(), 1.0);
  ASSERT_TRUE((*record)["blocking_tree"].is_object()) << record->dump(2);
  EXPECT_EQ((*record)["blocking_tree"]["sessions"][0]["pid"], runaway_pid);
  const std::string audit = testing::read_file(dir / "state/actions.jsonl");
  EXPECT_EQ(occurrences(audit, "\n"), document["recorded"].get<std::size_t>()) << audit;
  EXPECT_NE(audit.find("\"pid\":" + std::to_string(runaway_pid)), std::string::npos) << audit;

  // The same records, counted.
  const std::string metrics = daemon.get("/metrics").body;
  EXPECT_NE(metrics.find("pgvigil_session_actions_total{cluster=\"c\",action=\"cancel\",mode=\"enforce\","
                         "reason=\"max_query_duration\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("pgvigil_session_actions_total{cluster=\"c\",action=\"skip\",mode=\"enforce\","
                         "reason=\"superuser\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(daemon.log().find("activity poll failed"), std::string::npos) << daemon.log();
}


TEST_F(CancellerWorkload, DryRunRecordsTheSameDecisionsAndStopsNothing) {
  TempDir dir;
  DaemonUnderTest daemon(dir, canceller_config("dry_run"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  const auto protected_sessions = start_protected();
  auto& idle = open(PgCluster::kPrimary, "app", "canceller-test");
  idle.exec("BEGIN; SELECT 1");
  auto& runaway = open(PgCluster::kPrimary, "app", "canceller-test");
  runaway.send("SELECT pg_sleep(600)");

  // Past max_query_duration + terminate_after: enforce would have cancelled and then terminated.
  Json document;
  testing::poll_until(
      [&] {
        document = actions(daemon);
        const auto tried = attempts(document);
        const auto escalated = [&](const Attempt& a) { return a.pid == runaway.backend_pid() && a.action == "terminate"; };
        return std::ranges::any_of(tried, escalated) &&
               std::ranges::any_of(tried, [&](const Attempt& a) { return a.pid == idle.backend_pid(); });
      },
      kLongWait, 100ms);
  document = wait_for_protected_skips(daemon, protected_sessions);

  EXPECT_FALSE(runaway.wait_end(0ms).has_value()) << "the sleeping session was stopped";
  EXPECT_TRUE(still_active(PgCluster::kPrimary, runaway.backend_pid()));
  EXPECT_TRUE(backend_exists(PgCluster::kPrimary, idle.backend_pid())) << "the idle transaction was terminated";

  std::set<std::pair<int, std::string>> tried;
  for (const auto& a : attempts(document)) {
    tried.emplace(a.pid, a.action);
    EXPECT_EQ(a.mode, "dry_run") << a.pid;
    EXPECT_FALSE(a.executed) << a.pid;
    EXPECT_TRUE(a.result.is_null()) << a.pid;
  }
  EXPECT_TRUE(tried.contains({runaway.backend_pid(), "cancel"})) << dump(document);
  EXPECT_TRUE(tried.contains({runaway.backend_pid(), "terminate"})) << dump(document);
  EXPECT_TRUE(tried.contains({idle.backend_pid(), "terminate"})) << dump(document);
  for (const auto& [pid, action] : tried) {
    EXPECT_TRUE(pid == runaway.backend_pid() || pid == idle.backend_pid()) << action << " attempted on pid " << pid << "\n"
                                                           << dump(document);
  }
  expect_protected_left_alone(document, protected_sessions);
  expect_only_client_backends_attempted(document);
}


}  // namespace
}  // namespace pgvigil::acceptance
