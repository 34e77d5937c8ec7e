// Shared by the canceller acceptance tests: one primary and replica per suite with the tables the
// workloads use (a table to VACUUM slowly, a slow index expression, an autovacuum that takes
// minutes, a row to lock), a daemon config with short limits, and readers of /actions.
// Limits are short so each file runs in seconds: max_query_duration 1s, terminate_after 2s,
// max_idle_in_transaction 1.5s, one poll every 200ms.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pg_session.h"
#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {

using testing::PgCluster;

inline constexpr auto kActivityInterval = 200ms;
inline constexpr auto kMaxQueryDuration = 1s;
inline constexpr auto kTerminateAfter = 2s;
inline constexpr auto kMaxIdleInTransaction = 1500ms;
inline constexpr auto kSlack = 1s;  // the acceptance criterion's allowance on top of the limits
inline constexpr auto kLongWait = 15s;  // bound for waits that should end much sooner

inline std::string queries_section(const std::string& mode, int max_actions_per_minute) {
  return "{ activity_interval: 200ms, cancel: { mode: " + mode +
         ", max_query_duration: 1s, terminate_after: 2s, max_idle_in_transaction: 1500ms,"
         " max_actions_per_minute: " +
         std::to_string(max_actions_per_minute) +
         ", exclude: { applications: [pg_dump, pg_basebackup, nightly-report], queries: [] } } }";
}

inline std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// A statement that ignores cancels: each one lands in pg_sleep and is caught.
inline constexpr const char* kStubbornLoop =
    "DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(10); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$";

struct Attempt {
  std::string member;
  int pid = 0;
  std::string action;
  std::string mode;
  std::string reason;
  bool executed = false;
  Json result{};
};

// A primary and a replica for a whole suite, with the tables the workloads need; the helpers read
// sessions and /actions.
class CancellerFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Autovacuum wakes every second, so the slowed-down one on av_target starts within the suite.
    cluster_ = new PgCluster(PgCluster::start({.settings = {{"autovacuum_naptime", "1s"}}}));
    cluster_->exec(PgCluster::kPrimary,
                   // VACUUM and CREATE INDEX run as app, on app's tables: as a superuser they would be
                   // left alone for that reason instead of for being maintenance.
                   "CREATE TABLE vac_target (id int, v int) WITH (autovacuum_enabled = false);"
                   "INSERT INTO vac_target SELECT g, g FROM generate_series(1, 50000) g;"
                   "ALTER TABLE vac_target OWNER TO app;"
                   "CREATE FUNCTION slow_key(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS"
                   " $$ BEGIN PERFORM pg_sleep(0.05); RETURN i; END $$;"
                   "CREATE TABLE idx_target (i int) WITH (autovacuum_enabled = false);"
                   "INSERT INTO idx_target SELECT g FROM generate_series(1, 1000) g;"
                   "ALTER TABLE idx_target OWNER TO app;"
                   // Dead rows and the slowest cost settings: an autovacuum worker that takes minutes.
                   "CREATE TABLE av_target (id int, pad text) WITH (autovacuum_vacuum_cost_delay = 100,"
                   " autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0,"
                   " autovacuum_vacuum_scale_factor = 0, autovacuum_analyze_threshold = 1000000000);"
                   "INSERT INTO av_target SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g;"
                   "DELETE FROM av_target WHERE id % 2 = 0;"
                   "CREATE TABLE lock_target (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);"
                   "INSERT INTO lock_target VALUES (1, 0);"
                   "ALTER TABLE lock_target OWNER TO app");
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // Sessions a test left running (stubborn loops, protected ones) end before the next test.
  void TearDown() override {
    for (int member : {PgCluster::kPrimary, PgCluster::kReplica}) {
      cluster_->exec(member,
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                     " AND pid <> pg_backend_pid() AND usename IN ('app', 'postgres')");
    }
    sessions_.clear();
  }

  static DaemonConfig canceller_config(const std::string& mode, int max_actions_per_minute = 1000) {
    DaemonConfig config;
    config.members = {{"primary", cluster_->port(PgCluster::kPrimary), cluster_->password_file()},
                      {"replica", cluster_->port(PgCluster::kReplica), cluster_->password_file()}};
    config.queries = queries_section(mode, max_actions_per_minute);
    return config;
  }

  PgSession& open(int member, const std::string& user, const std::string& application) {
    sessions_.push_back(std::make_unique<PgSession>(cluster_->port(member), user, application, "0"));
    return *sessions_.back();
  }

  static std::string scalar(int member, const std::string& sql) {
    const auto rows = cluster_->exec(member, sql);
    return rows.empty() || rows[0].empty() ? std::string() : rows[0][0].value_or("");
  }

  static bool backend_exists(int member, int pid) {
    return scalar(member, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(pid)) == "1";
  }

  // Whether `pid` still runs a statement (state active), i.e. nothing ended it.
  static bool still_active(int member, int pid) {
    return scalar(member, "SELECT state FROM pg_stat_activity WHERE pid = " + std::to_string(pid)) == "active";
  }

  static Json actions(const DaemonUnderTest& daemon) { return daemon.get("/actions?limit=1000").json(); }

  static std::vector<Attempt> attempts(const Json& document) {
    std::vector<Attempt> out;
    if (!document.is_object()) return out;
    for (const auto& a : document["actions"]) {
      if (a["action"] == "skip") continue;
      out.push_back(Attempt{a["member"].get<std::string>(), a["pid"].get<int>(), a["action"].get<std::string>(),
                            a["mode"].get<std::string>(), a["reason"].get<std::string>(),
                            a["signal"]["executed"].get<bool>(), a["signal"]["result"]});
    }
    return out;
  }

  // The reason of the skip recorded for `pid` on `member`; "" when none.
  static std::string skip_reason(const Json& document, const std::string& member, int pid) {
    if (!document.is_object()) return {};
    for (const auto& a : document["actions"]) {
      if (a["action"] == "skip" && a["member"] == member && a["pid"] == pid) return a["reason"].get<std::string>();
    }
    return {};
  }

  static std::size_t records_for(const Json& document, const std::string& member, int pid) {
    if (!document.is_object()) return 0;
    return static_cast<std::size_t>(std::ranges::count_if(
        document["actions"], [&](const Json& a) { return a["member"] == member && a["pid"] == pid; }));
  }

  static std::string dump(const Json& document) { return document.dump(2); }

  static inline PgCluster* cluster_ = nullptr;
  std::vector<std::unique_ptr<PgSession>> sessions_;
};

}  // namespace pgvigil::acceptance
