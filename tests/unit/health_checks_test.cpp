// The checks' judgement over hand-built observations: thresholds in both directions, units,
// reasons naming pids, and the replication lag rules (an idle primary is not lag).
#include <gtest/gtest.h>

#include "config/check_defaults.h"
#include "health/checks/check.h"
#include "health/checks/database_checks.h"
#include "health/checks/replication_checks.h"

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

}  // namespace
}  // namespace pgvigil::health
