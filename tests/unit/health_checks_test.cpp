// The checks' judgement over hand-built observations: thresholds in both directions, units,
// reasons naming pids, and the replication lag rules (an idle primary is not lag).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/check_defaults.h"
#include "health/checks/check.h"
#include "health/checks/database_checks.h"
#include "health/checks/replication_checks.h"
#include "health/checks/session_checks.h"

namespace pgvigil::health {
namespace {

config::HealthConfig defaults() {
  config::HealthConfig h;
  h.checks = config::default_check_configs();
  return h;
}

std::vector<std::string> checks_of(const Evaluation& e) {
  std::vector<std::string> out;
  for (const auto& r : e.reasons) out.push_back(r.check + ":" + std::string(to_string(r.severity)));
  return out;
}

using Names = std::vector<std::string>;

Observations replica_obs() {
  Observations o;
  o.role.in_recovery = true;
  o.role.wal_receiver_status = "streaming";
  o.role.replay_pause_state = "not paused";
  o.role.server_now = 1000;
  return o;
}

TEST(HealthChecks, NothingToSayAboutAQuietMember) {
  Observations o;
  o.connections = ConnectionsView{5, 100, 3, {}};
  EXPECT_TRUE(evaluate_checks(o, defaults()).reasons.empty());
  EXPECT_EQ(evaluate_checks(o, defaults()).status, Status::healthy);
}

TEST(HealthChecks, ConnectionsCountAgainstTheNonSuperuserSlots) {
  Observations o;
  o.connections = ConnectionsView{73, 100, 3, {}};  // 73/97 = 75.3%
  auto e = evaluate_checks(o, defaults());
  EXPECT_EQ(checks_of(e), Names{"connections:warning"});
  EXPECT_EQ(e.status, Status::degraded);
  EXPECT_EQ(e.reasons[0].value, "75%");
  EXPECT_EQ(e.reasons[0].threshold, "75%");
  o.connections->used = 88;  // 90.7%
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), Names{"connections:critical"});
  o.connections->used = 72;  // 74.2%
  EXPECT_TRUE(evaluate_checks(o, defaults()).reasons.empty());
}

TEST(HealthChecks, SessionReasonsNameThePid) {
  Observations o;
  o.longest_idle_in_transaction = LongestSession{400, 4242, "app", "psql"};
  o.longest_query = LongestSession{2000, 77, "app", "batch"};
  auto e = evaluate_checks(o, defaults());
  EXPECT_EQ(checks_of(e), (Names{"long_running:critical", "idle_in_transaction:warning"}));
  EXPECT_NE(e.reasons[1].message.find("pid 4242"), std::string::npos) << e.reasons[1].message;
  EXPECT_EQ(e.reasons[1].value, "6.7m");
  EXPECT_EQ(e.status, Status::unhealthy);
  EXPECT_EQ(e.recommendations.size(), 2u);
}

TEST(HealthChecks, DisabledChecksSayNothing) {
  Observations o;
  o.longest_query = LongestSession{2000, 77, "app", "batch"};
  auto h = defaults();
  h.checks["long_running"].enabled = false;
  EXPECT_TRUE(evaluate_checks(o, h).reasons.empty());
}

TEST(HealthChecks, CacheHitIsBadWhenItFalls) {
  Observations o;
  o.cache_hit_ratio = 0.93;
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), Names{"cache_hit:warning"});
  o.cache_hit_ratio = 0.85;
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), Names{"cache_hit:critical"});
  o.cache_hit_ratio = 0.99;
  EXPECT_TRUE(evaluate_checks(o, defaults()).reasons.empty());
}

TEST(HealthChecks, CacheHitNeedsEnoughBlocksAndSurvivesAReset) {
  EXPECT_DOUBLE_EQ(*cache_hit_between({1000, 100}, {10000, 1100}), 0.9);
  EXPECT_FALSE(cache_hit_between({1000, 100}, {8000, 1100})) << "8,000 blocks: a quiet server's catalog reads";
  EXPECT_FALSE(cache_hit_between({1000, 100}, {1100, 110})) << "too few blocks to judge";
  EXPECT_FALSE(cache_hit_between({1000, 100}, {10, 1})) << "counters reset";
}

TEST(HealthChecks, BlockingNamesWaiterAndBlockers) {
  Observations o;
  o.blocking = BlockingObservation{2, 45, 301, {299, 0}};
  auto e = evaluate_checks(o, defaults());
  ASSERT_EQ(checks_of(e), Names{"blocking:warning"});
  EXPECT_NE(e.reasons[0].message.find("pid 301 blocked by pid(s) 299, 0"), std::string::npos) << e.reasons[0].message;
}

TEST(HealthChecks, WraparoundUsesTheOlderOfXidAndMultixact) {
  Observations o;
  o.wraparound = WraparoundObservation{100'000'000, 1'200'000'000, "app", 200'000'000};
  auto e = evaluate_checks(o, defaults());
  ASSERT_EQ(checks_of(e), Names{"wraparound:warning"});
  EXPECT_NE(e.reasons[0].message.find("6.00x autovacuum_freeze_max_age"), std::string::npos);
}

TEST(HealthChecks, LostSlotsAreCritical) {
  Observations o;
  o.slots = SlotsObservation{2.0 * 1024 * 1024 * 1024, "old", 1, {"old"}};
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), (Names{"replication_slots:critical", "replication_slots:warning"}));
}

TEST(HealthChecks, MissingPgMonitorIsAReasonNotSilence) {
  Observations o;
  o.role.has_monitor = false;
  auto e = evaluate_checks(o, defaults());
  ASSERT_EQ(checks_of(e), Names{"privileges:warning"});
  EXPECT_NE(e.recommendations.at(0).find("GRANT pg_monitor"), std::string::npos);
}

TEST(ReplicationLag, IdlePrimaryIsNoLagWhateverTheReplayTimestampSays) {
  auto o = replica_obs();
  o.role.receive_lsn = o.role.replay_lsn = 5000;
  o.primary_lsn = 5000;
  o.role.replay_timestamp = 1000 - 3600;  // last transaction an hour ago
  const auto v = replication_view(o);
  EXPECT_EQ(v.lag_bytes, 0.0);
  EXPECT_EQ(v.lag_seconds, 0.0);
  EXPECT_TRUE(evaluate_checks(o, defaults()).reasons.empty());
}

TEST(ReplicationLag, PausedReplayKeepsReceivingAndFallsBehind) {
  auto o = replica_obs();
  o.role.replay_pause_state = "paused";
  o.role.replay_lsn = 1000;
  o.role.receive_lsn = 90'000'000;
  o.primary_lsn = 100'000'000;
  o.role.replay_timestamp = 1000 - 15;
  const auto v = replication_view(o);
  EXPECT_EQ(v.lag_bytes, 100'000'000.0 - 1000) << "against the primary, not the receive position";
  EXPECT_EQ(v.lag_seconds, 15.0);
  EXPECT_TRUE(v.replay_paused);
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())),
            (Names{"replication_lag:warning", "replication_lag:warning", "replication_lag:warning"}));
}

TEST(ReplicationLag, WithoutThePrimaryTheReceivePositionIsTheReference) {
  auto o = replica_obs();
  o.role.replay_lsn = 100;
  o.role.receive_lsn = 300'000'000;
  o.role.replay_timestamp = 1000 - 90;
  const auto v = replication_view(o);
  EXPECT_EQ(v.lag_bytes, 300'000'000.0 - 100);
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), (Names{"replication_lag:critical", "replication_lag:critical"}));
}

TEST(ReplicationLag, NotStreamingIsAWarningAndPrimariesAreNotJudged) {
  auto o = replica_obs();
  o.role.wal_receiver_status = "";
  EXPECT_EQ(checks_of(evaluate_checks(o, defaults())), Names{"replication_lag:warning"});
  o.role.in_recovery = false;
  EXPECT_TRUE(evaluate_checks(o, defaults()).reasons.empty());
}

TEST(Lsn, ParsesPostgresNotation) {
  EXPECT_EQ(parse_lsn("0/0"), 0u);
  EXPECT_EQ(parse_lsn("16/B374D848"), (0x16ull << 32) | 0xB374D848ull);
  EXPECT_FALSE(parse_lsn(""));
  EXPECT_FALSE(parse_lsn("16B374D848"));
  EXPECT_FALSE(parse_lsn("16/"));
  EXPECT_FALSE(parse_lsn("x/1"));
}

TEST(CycleQuery, CostlyChecksRideAlongWithTheRegularOnesAndDisabledOnesGoNowhere) {
  auto h = defaults();
  const auto regular = build_cycle_query(h, false);
  const auto with_costly = build_cycle_query(h, true);
  for (const auto* sql : {&regular, &with_costly}) {
    EXPECT_NE(sql->find("AS role"), std::string::npos);
    EXPECT_NE(sql->find("AS connections"), std::string::npos);
  }
  EXPECT_EQ(regular.find("AS blocking"), std::string::npos);
  EXPECT_EQ(regular.find("AS database_size"), std::string::npos) << "it walks the data directory";
  EXPECT_NE(with_costly.find("AS blocking"), std::string::npos);
  EXPECT_NE(with_costly.find("AS database_size"), std::string::npos) << "a reading that cannot be switched off";
  h.checks["connections"].enabled = false;
  h.checks["role"].enabled = false;
  const auto fewer = build_cycle_query(h, false);
  EXPECT_EQ(fewer.find("AS connections"), std::string::npos);
  EXPECT_NE(fewer.find("AS role"), std::string::npos) << "role cannot be switched off";
}

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(CycleQuery, TheSessionChecksShareOneReadOfPgStatActivity) {
  auto h = defaults();
  const auto sql = build_cycle_query(h, false);
  EXPECT_EQ(sql.rfind("WITH client_sessions AS", 0), 0u) << sql;
  EXPECT_EQ(occurrences(sql, "client_sessions AS"), 1u);
  EXPECT_EQ(occurrences(sql, "pg_stat_activity"), 1u);
  h.checks["connections"].enabled = false;
  h.checks["long_running"].enabled = false;
  EXPECT_EQ(build_cycle_query(h, true).rfind("WITH client_sessions AS", 0), 0u) << "idle_in_transaction reads it";
  h.checks["idle_in_transaction"].enabled = false;
  const auto without = build_cycle_query(h, true);
  EXPECT_EQ(without.rfind("SELECT ", 0), 0u) << without;
  EXPECT_EQ(without.find("client_sessions"), std::string::npos);
}

// The select list of a cycle's statement, one entry per check.
std::vector<std::string> columns_of(const std::string& sql) {
  const auto select = sql.rfind("SELECT ", 0) == 0 ? 0 : sql.find("\nSELECT ") + 1;
  std::vector<std::string> columns;
  const std::string_view separator = ",\n       ";
  for (auto at = select + 7;;) {
    const auto next = sql.find(separator, at);
    columns.push_back(sql.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return columns;
    at = next + separator.size();
  }
}

TEST(CycleQuery, WithTheActivityPollsReadingTheStatementLeavesPgStatActivityAlone) {
  auto h = defaults();
  for (bool with_costly : {false, true}) {
    const auto sql = build_cycle_query(h, with_costly, SessionSource::activity_poll);
    EXPECT_EQ(sql.rfind("SELECT ", 0), 0u) << "no common table expression is left: " << sql;
    EXPECT_EQ(sql.find("pg_stat_activity"), std::string::npos) << sql;
    EXPECT_EQ(sql.find("client_sessions"), std::string::npos) << sql;
    for (const auto* gone : {"AS connections", "AS long_running", "AS idle_in_transaction"}) {
      EXPECT_EQ(sql.find(gone), std::string::npos) << gone;
    }
    EXPECT_NE(sql.find("AS role"), std::string::npos);
    EXPECT_NE(sql.find("AS prepared_xacts"), std::string::npos) << "pg_prepared_xacts, not pg_stat_activity";
    EXPECT_EQ(sql.find("AS blocking") != std::string::npos, with_costly);
    EXPECT_EQ(sql.find("AS database_size") != std::string::npos, with_costly);
  }
  // Everything else is the scanning statement's, column for column.
  for (bool with_costly : {false, true}) {
    auto scanning = columns_of(build_cycle_query(h, with_costly));
    const auto removed = std::erase_if(scanning, [](const std::string& c) {
      return c.ends_with(" AS connections") || c.ends_with(" AS long_running") || c.ends_with(" AS idle_in_transaction");
    });
    EXPECT_EQ(removed, 3u);
    EXPECT_EQ(columns_of(build_cycle_query(h, with_costly, SessionSource::activity_poll)), scanning);
  }
}

TEST(SessionSummary, TheSessionChecksSqlOverTheGivenScan) {
  const auto summary = build_session_summary_sql("activity");
  EXPECT_EQ(summary.cte.rfind("client_sessions AS MATERIALIZED (", 0), 0u) << summary.cte;
  EXPECT_NE(summary.cte.find(" FROM activity WHERE backend_type = 'client backend'"), std::string::npos) << summary.cte;
  EXPECT_EQ(summary.cte.find("pg_stat_activity"), std::string::npos) << summary.cte;
  // The same filter as the cycle's own: the daemon's sessions are left out either way.
  EXPECT_NE(std::string(kClientSessionsCte).find(summary.cte.substr(summary.cte.find(" WHERE "))), std::string::npos);
  EXPECT_EQ(summary.json.rfind("json_build_object('connections', " + std::string(kConnectionsSql), 0), 0u)
      << summary.json;
  EXPECT_NE(summary.json.find("'long_running', " + std::string(kLongRunningSql)), std::string::npos);
  EXPECT_NE(summary.json.find("'idle_in_transaction', " + std::string(kIdleInTransactionSql)), std::string::npos);
  EXPECT_EQ(summary.json.find("prepared_xacts"), std::string::npos);
}

// The session checks' values as the server returns them, under each check's name.
nlohmann::json session_values() {
  return nlohmann::json::parse(R"({
    "connections": {"max": 100, "reserved": 3, "used": 80, "states": {"active": 70, "idle in transaction": 10}},
    "long_running": {"query": {"s": 2000, "pid": 77, "user": "app", "app": "batch"},
                     "xact": {"s": 2100, "pid": 77, "user": "app", "app": "batch"}},
    "idle_in_transaction": {"s": 400, "pid": 4242, "user": "app", "app": "psql"}})");
}

// A cycle that scanned: each enabled check's column handed to its parser (cycle_reader.cpp).
Observations as_scanned(const nlohmann::json& values, const config::HealthConfig& h) {
  Observations o;
  for (const auto& check : all_checks()) {
    const auto it = h.checks.find(std::string(check.name));
    if (check.adopt == nullptr || it == h.checks.end() || !it->second.enabled) continue;
    check.parse(values[std::string(check.name)], o);
  }
  return o;
}

Observations as_adopted(const nlohmann::json& values, const config::HealthConfig& h) {
  Observations o;
  adopt_sessions(read_session_summary(values, 1'700'000'000), h, o);
  return o;
}

void expect_same_judgement(const Observations& scanned, const Observations& adopted, const config::HealthConfig& h) {
  EXPECT_EQ(scanned.connections.has_value(), adopted.connections.has_value());
  if (scanned.connections && adopted.connections) {
    EXPECT_EQ(scanned.connections->used, adopted.connections->used);
    EXPECT_EQ(scanned.connections->max, adopted.connections->max);
    EXPECT_EQ(scanned.connections->reserved, adopted.connections->reserved);
    EXPECT_EQ(scanned.connections->by_state, adopted.connections->by_state);
  }
  for (const auto member : {&Observations::longest_query, &Observations::longest_transaction,
                            &Observations::longest_idle_in_transaction}) {
    const auto& a = scanned.*member;
    const auto& b = adopted.*member;
    ASSERT_EQ(a.has_value(), b.has_value());
    if (!a) continue;
    EXPECT_EQ(a->seconds, b->seconds);
    EXPECT_EQ(a->pid, b->pid);
    EXPECT_EQ(a->user, b->user);
    EXPECT_EQ(a->application, b->application);
  }
  const auto e1 = evaluate_checks(scanned, h);
  const auto e2 = evaluate_checks(adopted, h);
  EXPECT_EQ(e1.status, e2.status);
  ASSERT_EQ(e1.reasons.size(), e2.reasons.size());
  for (std::size_t i = 0; i < e1.reasons.size(); ++i) {
    EXPECT_EQ(e1.reasons[i].check, e2.reasons[i].check);
    EXPECT_EQ(e1.reasons[i].severity, e2.reasons[i].severity);
    EXPECT_EQ(e1.reasons[i].value, e2.reasons[i].value);
    EXPECT_EQ(e1.reasons[i].threshold, e2.reasons[i].threshold);
    EXPECT_EQ(e1.reasons[i].message, e2.reasons[i].message);
    EXPECT_EQ(e1.reasons[i].number, e2.reasons[i].number);
  }
  EXPECT_EQ(e1.recommendations, e2.recommendations);
}

TEST(SessionSummary, AdoptedReadingsAreJudgedAsTheCyclesOwnScan) {
  const auto h = defaults();
  const auto scanned = as_scanned(session_values(), h);
  const auto adopted = as_adopted(session_values(), h);
  ASSERT_TRUE(adopted.connections);
  ASSERT_TRUE(adopted.longest_query);
  ASSERT_TRUE(adopted.longest_idle_in_transaction);
  EXPECT_EQ(checks_of(evaluate_checks(adopted, h)),
            (Names{"connections:warning", "long_running:critical", "idle_in_transaction:warning"}));
  expect_same_judgement(scanned, adopted, h);
}

TEST(SessionSummary, AdoptedSessionsAgeByTheServersClockSinceThePoll) {
  const auto h = defaults();
  Observations o;
  o.role.server_now = 1'700'000'004;  // the cycle reads the server 4 s after the poll did
  adopt_sessions(read_session_summary(session_values(), 1'700'000'000), h, o);
  ASSERT_TRUE(o.longest_query && o.longest_transaction && o.longest_idle_in_transaction);
  EXPECT_DOUBLE_EQ(o.longest_query->seconds, 2004);
  EXPECT_DOUBLE_EQ(o.longest_transaction->seconds, 2104);
  EXPECT_DOUBLE_EQ(o.longest_idle_in_transaction->seconds, 404);
  Observations earlier;
  earlier.role.server_now = 1'699'999'999;  // a server clock that went back: never younger
  adopt_sessions(read_session_summary(session_values(), 1'700'000'000), h, earlier);
  EXPECT_DOUBLE_EQ(earlier.longest_query->seconds, 2000);
}

TEST(SessionSummary, ADisabledSessionCheckAdoptsNothingAsItWouldReadNothing) {
  auto h = defaults();
  h.checks["connections"].enabled = false;
  h.checks["idle_in_transaction"].enabled = false;
  const auto adopted = as_adopted(session_values(), h);
  EXPECT_FALSE(adopted.connections) << "no connections view in the snapshot, as without the column";
  EXPECT_FALSE(adopted.longest_idle_in_transaction);
  EXPECT_TRUE(adopted.longest_query);
  expect_same_judgement(as_scanned(session_values(), h), adopted, h);
}

TEST(SessionSummary, NullValuesReadAsTheCyclesNullColumnsDo) {
  // A quiet server: no query runs and no transaction idles; the json nulls of the server.
  const auto values = nlohmann::json::parse(R"({"connections": {"max": 100, "reserved": 3, "used": 0, "states": null},
    "long_running": {"query": null, "xact": null}, "idle_in_transaction": null})");
  const auto h = defaults();
  const auto adopted = as_adopted(values, h);
  ASSERT_TRUE(adopted.connections);
  EXPECT_TRUE(adopted.connections->by_state.empty());
  EXPECT_FALSE(adopted.longest_query);
  EXPECT_FALSE(adopted.longest_idle_in_transaction);
  expect_same_judgement(as_scanned(values, h), adopted, h);
  EXPECT_TRUE(evaluate_checks(adopted, h).reasons.empty());
}

}  // namespace
}  // namespace pgvigil::health
