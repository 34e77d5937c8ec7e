// The activity poll read from plain text rows, as libpq hands them over: NULLs, timestamps in
// microseconds, comma-separated blocker lists, t/f flags; and the column list checked against
// the statement itself.
#include "queries/activity_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "queries/activity_sql.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNowMicros = 1'700'000'000'123'456;
const WallTime kServerNow = WallTime{} + std::chrono::microseconds(kNowMicros);

// Column values by name; a column left out is NULL.
ActivityRow row_of(const std::map<std::string_view, std::string_view>& values) {
  ActivityRow row{};
  for (std::size_t c = 0; c < kActivityColumns.size(); ++c) {
    if (auto it = values.find(kActivityColumns[c]); it != values.end()) row[c] = it->second;
  }
  return row;
}

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A client running a query for 3 s, with every column the server fills for one.
std::map<std::string_view, std::string_view> running_client() {
  return {{"server_now_us", "1700000000123456"},
          {"pid", "4242"},
          {"backend_start_us", "1699999000000000"},
          {"xact_start_us", "1700000000000000"},
          {"query_start_us", "1699999997123456"},
          {"state_change_us", "1699999997123456"},
          {"state", "active"},
          {"backend_type", "client backend"},
          {"wait_event_type", "Timeout"},
          {"usename", "app"},
          {"datname", "shop"},
          {"application_name", "web"},
          {"client_addr", "10.0.0.5"},
          {"rolsuper", "f"},
          {"query", "SELECT pg_sleep(600)"},
          {"in_maintenance", "f"}};
}

TEST(ActivityReader, EveryColumnOfARunningClientIsRead) {
  const auto session = parse_activity_row(row_of(running_client()));
  ASSERT_TRUE(session.has_value()) << session.error();
  EXPECT_EQ(session->pid, 4242);
  EXPECT_EQ(session->backend_start, WallTime{} + std::chrono::microseconds(1699999000000000));
  EXPECT_EQ(session->xact_start, WallTime{} + std::chrono::microseconds(1700000000000000));
  EXPECT_EQ(kServerNow - *session->query_start, 3s);
  EXPECT_EQ(session->state_change, session->query_start);
  EXPECT_EQ(session->state, "active");
  EXPECT_EQ(session->backend_type, "client backend");
  EXPECT_EQ(session->wait_event_type, "Timeout");
  EXPECT_EQ(session->usename, "app");
  EXPECT_EQ(session->datname, "shop");
  EXPECT_EQ(session->application_name, "web");
  EXPECT_EQ(session->client_addr, "10.0.0.5");
  EXPECT_FALSE(session->rolsuper);
  EXPECT_EQ(session->query, "SELECT pg_sleep(600)");
  EXPECT_TRUE(session->blocked_by.empty());
}

TEST(ActivityReader, NullsOfABackgroundProcessAreEmptyValues) {
  // An autovacuum worker: no role, no client address, no transaction or query timestamps.
  const auto session = parse_activity_row(row_of({{"server_now_us", "1700000000123456"},
                                                  {"pid", "77"},
                                                  {"backend_start_us", "1699999000000000"},
                                                  {"backend_type", "autovacuum worker"},
                                                  {"rolsuper", "f"},
                                                  {"in_maintenance", "t"}}));
  ASSERT_TRUE(session.has_value()) << session.error();
  EXPECT_EQ(session->pid, 77);
  EXPECT_FALSE(session->xact_start.has_value());
  EXPECT_FALSE(session->query_start.has_value());
  EXPECT_FALSE(session->state_change.has_value());
  EXPECT_EQ(session->state, "");
  EXPECT_EQ(session->usename, "");
  EXPECT_EQ(session->client_addr, "");
  EXPECT_EQ(session->backend_type, "autovacuum worker");
}

TEST(ActivityReader, BlockersOfALockWaiterIncludeAPreparedTransactionAsZero) {
  auto values = running_client();
  values["wait_event_type"] = "Lock";
  values["blocked_by"] = "12,0,40";
  const auto session = parse_activity_row(row_of(values));
  ASSERT_TRUE(session.has_value()) << session.error();
  EXPECT_EQ(session->blocked_by, (std::vector<BackendPid>{12, 0, 40}));
}

TEST(ActivityReader, SuperuserFlagIsTrueOnlyForT) {
  auto values = running_client();
  values["rolsuper"] = "t";
  EXPECT_TRUE(parse_activity_row(row_of(values))->rolsuper);
  values.erase("rolsuper");
  EXPECT_FALSE(parse_activity_row(row_of(values))->rolsuper);
}

TEST(ActivityReader, PidLists) {
  EXPECT_EQ(parse_pid_list(""), std::vector<BackendPid>{});
  EXPECT_EQ(parse_pid_list("7"), std::vector<BackendPid>{7});
  EXPECT_EQ(parse_pid_list("7,8"), (std::vector<BackendPid>{7, 8}));
  EXPECT_FALSE(parse_pid_list("7,").has_value());
  EXPECT_FALSE(parse_pid_list(",7").has_value());
  EXPECT_FALSE(parse_pid_list("7;8").has_value());
  EXPECT_FALSE(parse_pid_list("{7,8}").has_value()) << "an array literal is not the joined text";
  EXPECT_FALSE(parse_pid_list("99999999999").has_value()) << "not an int4";
}

TEST(ActivityReader, AnUnreadableRowNamesItsColumn) {
  auto values = running_client();
  values["query_start_us"] = "2024-05-01 12:00:00+00";  // a timestamp sent as text, not microseconds
  const auto session = parse_activity_row(row_of(values));
  ASSERT_FALSE(session.has_value());
  EXPECT_NE(session.error().find("query_start_us"), std::string::npos) << session.error();
}

TEST(ActivityReader, APollKeepsReadableRowsAndCountsTheRest) {
  auto bad = running_client();
  bad["pid"] = "not a pid";
  auto maintenance = running_client();
  maintenance["pid"] = "5151";
  maintenance["in_maintenance"] = "t";
  const std::vector<ActivityRow> rows{row_of(running_client()), row_of(bad), row_of(maintenance)};

  const auto read = parse_activity_rows(rows);
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_EQ(read->poll.server_now, kServerNow);
  ASSERT_EQ(read->poll.sessions.size(), 2u);
  EXPECT_EQ(read->poll.sessions[0].pid, 4242);
  EXPECT_EQ(read->poll.sessions[1].pid, 5151);
  EXPECT_EQ(read->unreadable_rows, 1u);
  EXPECT_EQ(read->poll.maintenance_pids, std::set<BackendPid>{5151});
  EXPECT_TRUE(read->poll.own_pids.empty());
}

TEST(ActivityReader, NoRowsIsAnEmptyPoll) {
  const auto read = parse_activity_rows({});
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->poll.sessions.empty());
  EXPECT_EQ(read->unreadable_rows, 0u);
}

TEST(ActivityReader, AnUnreadableServerClockFailsThePoll) {
  auto values = running_client();
  values.erase("server_now_us");
  const std::vector<ActivityRow> rows{row_of(values)};
  const auto read = parse_activity_rows(rows);
  ASSERT_FALSE(read.has_value());
  EXPECT_NE(read.error().find("server_now_us"), std::string::npos) << read.error();
}

// The summary row as the server sends it: the session checks' json object, NULL everywhere else
// but server_now_us.
constexpr std::string_view kSummary =
    R"({"connections" : {"max" : 100, "reserved" : 3, "used" : 4, "states" : {"active" : 1, "idle" : 2, )"
    R"("idle in transaction" : 1}}, "long_running" : {"query" : {"s" : 12.5, "pid" : 4242, "user" : "app", )"
    R"("app" : "web"}, "xact" : {"s" : 14.0, "pid" : 4242, "user" : "app", "app" : "web"}}, )"
    R"("idle_in_transaction" : {"s" : 7.25, "pid" : 77, "user" : "batch", "app" : "psql"}})";

TEST(ActivityReader, TheSummaryRowIsTheSessionChecksReadingsNotASession) {
  const std::vector<ActivityRow> rows{row_of(running_client()),
                                      row_of({{"server_now_us", "1700000000123456"}, {"sessions", kSummary}})};
  const auto read = parse_activity_rows(rows);
  ASSERT_TRUE(read.has_value()) << read.error();
  ASSERT_EQ(read->poll.sessions.size(), 1u) << "the policy sees the sessions it saw before";
  EXPECT_EQ(read->poll.sessions[0].pid, 4242);
  EXPECT_EQ(read->unreadable_rows, 0u);
  ASSERT_TRUE(read->sessions);
  const auto& s = *read->sessions;
  EXPECT_DOUBLE_EQ(s.server_now, 1700000000.123456);
  ASSERT_TRUE(s.connections);
  EXPECT_EQ(s.connections->max, 100);
  EXPECT_EQ(s.connections->reserved, 3);
  EXPECT_EQ(s.connections->used, 4);
  EXPECT_EQ(s.connections->by_state, (std::map<std::string, int>{{"active", 1}, {"idle", 2}, {"idle in transaction", 1}}));
  ASSERT_TRUE(s.longest_query);
  EXPECT_EQ(s.longest_query->seconds, 12.5);
  EXPECT_EQ(s.longest_query->pid, 4242);
  EXPECT_EQ(s.longest_query->user, "app");
  EXPECT_EQ(s.longest_query->application, "web");
  ASSERT_TRUE(s.longest_transaction);
  EXPECT_EQ(s.longest_transaction->seconds, 14.0);
  ASSERT_TRUE(s.longest_idle_in_transaction);
  EXPECT_EQ(s.longest_idle_in_transaction->pid, 77);
  EXPECT_EQ(s.longest_idle_in_transaction->user, "batch");
}

TEST(ActivityReader, AQuietServerHasOnlyTheSummaryRow) {
  // Nothing but idle sessions: no session for the policy, but the health cycle still learns the
  // connection count, and that no query runs (the server's json null).
  const std::vector<ActivityRow> rows{row_of(
      {{"server_now_us", "1700000000123456"},
       {"sessions",
        R"({"connections" : {"max" : 100, "reserved" : 3, "used" : 2, "states" : {"idle" : 2}}, )"
        R"("long_running" : {"query" : null, "xact" : null}, "idle_in_transaction" : null})"}})};
  const auto read = parse_activity_rows(rows);
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_TRUE(read->poll.sessions.empty());
  EXPECT_EQ(read->poll.server_now, kServerNow);
  ASSERT_TRUE(read->sessions);
  EXPECT_EQ(read->sessions->connections->used, 2);
  EXPECT_FALSE(read->sessions->longest_query);
  EXPECT_FALSE(read->sessions->longest_transaction);
  EXPECT_FALSE(read->sessions->longest_idle_in_transaction);
}

TEST(ActivityReader, AnUnreadableSummaryLeavesThePollAsItIs) {
  const std::vector<ActivityRow> rows{row_of(running_client()),
                                      row_of({{"server_now_us", "1700000000123456"}, {"sessions", "{not json"}})};
  const auto read = parse_activity_rows(rows);
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_EQ(read->poll.sessions.size(), 1u);
  EXPECT_EQ(read->unreadable_rows, 0u);
  EXPECT_FALSE(read->sessions) << "the health cycle scans for itself";
}

// Each column the reader looks for is one the statement produces, by that exact name: as an
// alias or as a column of pg_stat_activity selected under its own name.
TEST(ActivityReader, EveryColumnIsNamedByThePollStatement) {
  const std::string sql(activity_sql());
  for (const auto column : kActivityColumns) {
    const std::string name(column);
    const bool aliased = sql.find(" AS " + name + ",") != std::string::npos ||
                         sql.find(" AS " + name + " ") != std::string::npos;
    const bool selected = sql.find(" a." + name + ",") != std::string::npos;
    EXPECT_TRUE(aliased || selected) << name << " is not a column of activity_sql()";
  }
}

// One scan of pg_stat_activity feeds both the sessions' rows and the summary row.
TEST(ActivityReader, ThePollStatementScansPgStatActivityOnceForBothReaders) {
  const std::string sql(activity_sql());
  EXPECT_EQ(occurrences(sql, "pg_stat_activity"), 1u) << sql;
  EXPECT_EQ(sql.rfind("WITH activity AS MATERIALIZED (", 0), 0u) << sql;
  EXPECT_EQ(occurrences(sql, "UNION ALL SELECT"), 4u) << "three more progress views, then the summary row";
  EXPECT_NE(sql.find("FROM activity WHERE backend_type = 'client backend'"), std::string::npos)
      << "the session checks read the poll's scan: " << sql;
  for (const auto* check : {"'connections'", "'long_running'", "'idle_in_transaction'"}) {
    EXPECT_NE(sql.find(check), std::string::npos) << check;
  }
}

}  // namespace
}  // namespace pgvigil::queries
