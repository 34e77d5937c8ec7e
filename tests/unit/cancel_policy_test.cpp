#include "queries/cancel_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "session_builders.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;
using config::CancelMode;

struct Expected {
  CancelAction action = CancelAction::skip;
  CancelReason reason = CancelReason::max_query_duration;
};

// One session judged alone in one poll (beside `others`) with a fresh tracker; defaults: 5min
// query limit, 10min idle limit, enforce.
struct RuleCase {
  std::string name;
  SessionActivity session{};
  std::optional<Expected> expected{};  // empty: no decision at all
  config::CancelConfig config = enforce_config();
  std::vector<SessionActivity> others{};
  std::set<BackendPid> own_pids{};
  std::set<BackendPid> maintenance_pids{};
};

constexpr Expected cancel{CancelAction::cancel, CancelReason::max_query_duration};
constexpr Expected terminate_idle{CancelAction::terminate, CancelReason::max_idle_in_transaction};
constexpr Expected skipped(CancelReason why) { return {CancelAction::skip, why}; }

config::CancelConfig with_config(void (*change)(config::CancelConfig&)) {
  auto c = enforce_config();
  change(c);
  return c;
}

SessionActivity running_query(std::string query) {
  return with(active_for(7, 6min), [&](auto& s) { s.query = std::move(query); });
}

std::vector<RuleCase> rule_cases() {
  const auto waiter_on_7 = with(active_for(8, 1min), [](auto& s) {
    s.wait_event_type = "Lock";
    s.blocked_by = {7};
  });
  return {
      // Limits.
      {"active within the limit", active_for(7, 4min), std::nullopt},
      {"active exactly at the limit is within it", active_for(7, 5min), std::nullopt},
      {"active 1ms past the limit is cancelled", active_for(7, 5min + 1ms), cancel},
      {"fastpath function call counts as running", with(active_for(7, 6min), [](auto& s) {
         s.state = "fastpath function call";
       }), cancel},
      {"query age is from query_start, not xact_start", with(active_for(7, 1min), [](auto& s) {
         s.xact_start = kNow - 1h;
       }), std::nullopt},
      {"active without query_start has no age", with(active_for(7, 6min), [](auto& s) { s.query_start.reset(); }),
       std::nullopt},
      {"a query started after the server's now is young", active_for(7, -2s), std::nullopt},
      {"plain idle is never judged", with(active_for(7, 2h), [](auto& s) { s.state = "idle"; }), std::nullopt},
      {"idle in transaction exactly at the limit is within it", idle_in_transaction_for(7, 10min), std::nullopt},
      {"idle in transaction past the limit is terminated", idle_in_transaction_for(7, 10min + 1ms),
       terminate_idle},
      {"idle in transaction (aborted) too", idle_in_transaction_for(7, 11min, true), terminate_idle},
      {"idleness is from state_change, not query_start", with(idle_in_transaction_for(7, 1min), [](auto& s) {
         s.query_start = kNow - 1h;
       }), std::nullopt},
      {"idle in transaction without state_change has no age", with(idle_in_transaction_for(7, 11min), [](auto& s) {
         s.state_change.reset();
       }), std::nullopt},
      // Protections, only once a limit is passed.
      {"a protected session within its limits produces nothing",
       with(active_for(7, 1min), [](auto& s) { s.rolsuper = true; }), std::nullopt},
      {"no pid: prepared transaction", with(active_for(7, 6min), [](auto& s) { s.pid.reset(); }),
       skipped(CancelReason::prepared_transaction)},
      {"pid 0: prepared transaction", with(active_for(7, 6min), [](auto& s) { s.pid = 0; }),
       skipped(CancelReason::prepared_transaction)},
      {"own pid", active_for(7, 6min), skipped(CancelReason::own_session), enforce_config(), {}, {7}},
      {"own application name", with(active_for(7, 6min), [](auto& s) { s.application_name = "pgvigil"; }),
       skipped(CancelReason::own_session)},
      {"own application name prefix", with(active_for(7, 6min), [](auto& s) { s.application_name = "pgvigil-probe"; }),
       skipped(CancelReason::own_session)},
      {"walsender", with(active_for(7, 3h), [](auto& s) { s.backend_type = "walsender"; }),
       skipped(CancelReason::not_client_backend)},
      {"autovacuum worker", with(active_for(7, 3h), [](auto& s) {
         s.backend_type = "autovacuum worker";
         s.query = "autovacuum: VACUUM public.orders";
       }), skipped(CancelReason::not_client_backend)},
      {"background worker", with(active_for(7, 3h), [](auto& s) { s.backend_type = "logical replication worker"; }),
       skipped(CancelReason::not_client_backend)},
      {"unknown backend type", with(active_for(7, 3h), [](auto& s) { s.backend_type = ""; }),
       skipped(CancelReason::not_client_backend)},
      {"maintenance in a progress view whatever its text", active_for(7, 3h), skipped(CancelReason::maintenance),
       enforce_config(), {}, {}, {7}},
      {"superuser", with(active_for(7, 6min), [](auto& s) { s.rolsuper = true; }), skipped(CancelReason::superuser)},
      {"superuser with allow_superuser", with(active_for(7, 6min), [](auto& s) { s.rolsuper = true; }), cancel,
       with_config([](auto& c) { c.allow_superuser = true; })},
      {"excluded user", active_for(7, 6min), skipped(CancelReason::excluded_user),
       with_config([](auto& c) { c.exclude.users = {"app"}; })},
      {"excluded user is an exact name", active_for(7, 6min), cancel,
       with_config([](auto& c) { c.exclude.users = {"App", "ap"}; })},
      {"excluded database", active_for(7, 6min), skipped(CancelReason::excluded_database),
       with_config([](auto& c) { c.exclude.databases = {"shop"}; })},
      {"pg_dump is excluded by default", with(active_for(7, 3h), [](auto& s) { s.application_name = "pg_dump"; }),
       skipped(CancelReason::excluded_application)},
      {"pg_basebackup is excluded by default",
       with(active_for(7, 3h), [](auto& s) { s.application_name = "pg_basebackup"; }),
       skipped(CancelReason::excluded_application)},
      {"VACUUM by a client is excluded by default", running_query("VACUUM (VERBOSE) orders"),
       skipped(CancelReason::excluded_query)},
      {"query patterns ignore case", running_query("  vacuum analyze orders"), skipped(CancelReason::excluded_query)},
      {"CREATE UNIQUE INDEX after comments", running_query("/* deploy */ -- step 3\n\tcreate unique index i on t(x)"),
       skipped(CancelReason::excluded_query)},
      {"a comment cannot hide a REINDEX", running_query("/* a /* nested */ comment */ REINDEX TABLE orders"),
       skipped(CancelReason::excluded_query)},
      {"a maintenance word later in the text is not a maintenance statement",
       running_query("SELECT 'VACUUM' FROM orders"), cancel},
      {"a victim waiting on a lock is never acted on", with(active_for(8, 6min), [](auto& s) {
         s.wait_event_type = "Lock";
         s.blocked_by = {7};
       }), skipped(CancelReason::waiting_on_lock), enforce_config(), {active_for(7, 1min)}},
      {"its blocker idle in transaction past the limit is judged instead", idle_in_transaction_for(7, 11min),
       terminate_idle, enforce_config(), {with(waiter_on_7, [](auto& s) { s.query_start = kNow - 20min; })}},
      {"its blocker running past the limit is judged instead", active_for(7, 6min), cancel, enforce_config(),
       {waiter_on_7}},
      {"only_if_blocking leaves a session nobody waits for", active_for(7, 6min),
       skipped(CancelReason::not_blocking), with_config([](auto& c) { c.only_if_blocking = true; }),
       {active_for(9, 1min)}},
      {"only_if_blocking acts on a blocker", active_for(7, 6min), cancel,
       with_config([](auto& c) { c.only_if_blocking = true; }), {waiter_on_7}},
      {"only_if_blocking acts on an idle blocker", idle_in_transaction_for(7, 11min), terminate_idle,
       with_config([](auto& c) { c.only_if_blocking = true; }), {waiter_on_7}},
      // Protections in order: the first that applies is the reason.
      {"own session before superuser", with(active_for(7, 6min), [](auto& s) {
         s.rolsuper = true;
         s.application_name = "pgvigil";
       }), skipped(CancelReason::own_session)},
      {"not a client backend before superuser", with(active_for(7, 6min), [](auto& s) {
         s.rolsuper = true;
         s.backend_type = "walsender";
       }), skipped(CancelReason::not_client_backend)},
      {"superuser before exclusions", with(active_for(7, 6min), [](auto& s) {
         s.rolsuper = true;
         s.application_name = "pg_dump";
       }), skipped(CancelReason::superuser)},
      // Modes.
      {"dry_run decides the same", active_for(7, 6min), cancel,
       with_config([](auto& c) { c.mode = CancelMode::dry_run; })},
      {"off decides nothing", active_for(7, 6h), std::nullopt, with_config([](auto& c) { c.mode = CancelMode::off; })},
      {"off decides no skip either", with(active_for(7, 6h), [](auto& s) { s.rolsuper = true; }), std::nullopt,
       with_config([](auto& c) { c.mode = CancelMode::off; })},
  };
}

TEST(CancelPolicy, RulesOneSessionAtATime) {
  for (const auto& c : rule_cases()) {
    SCOPED_TRACE(c.name);
    auto poll = poll_of({c.session});
    poll.sessions.insert(poll.sessions.end(), c.others.begin(), c.others.end());
    poll.own_pids = c.own_pids;
    poll.maintenance_pids = c.maintenance_pids;
    const CancelRules rules(c.config, 2048);

    std::vector<CancelDecision> mine;
    for (const auto& d : decide_cancellations(poll, rules, CancelTracker{})) {
      if (d.key == key_of(c.session)) mine.push_back(d);
    }
    if (!c.expected) {
      EXPECT_TRUE(mine.empty()) << "got " << to_string(mine.front().action) << " " << to_string(mine.front().reason);
      continue;
    }
    ASSERT_EQ(mine.size(), 1U);
    EXPECT_EQ(to_string(mine[0].action), to_string(c.expected->action));
    EXPECT_EQ(to_string(mine[0].reason), to_string(c.expected->reason));
    EXPECT_EQ(mine[0].mode, c.config.mode);
    EXPECT_EQ(is_attempt(mine[0]), c.expected->action != CancelAction::skip);
    EXPECT_EQ(should_execute(mine[0]), is_attempt(mine[0]) && c.config.mode == CancelMode::enforce);
    EXPECT_FALSE(mine[0].repeated);
  }
}

TEST(CancelPolicy, SkipSaysWhatTheLimitCalledFor) {
  const auto superuser = with(idle_in_transaction_for(7, 11min), [](auto& s) { s.rolsuper = true; });
  const auto decisions = decide_cancellations(poll_of({superuser}), CancelRules(enforce_config(), 2048), {});
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0].action, CancelAction::skip);
  EXPECT_EQ(decisions[0].reason, CancelReason::superuser);
  EXPECT_EQ(decisions[0].intended, CancelAction::terminate);
  EXPECT_EQ(decisions[0].limit, CancelReason::max_idle_in_transaction);
  EXPECT_FALSE(is_attempt(decisions[0]));
  EXPECT_FALSE(should_execute(decisions[0]));
}

TEST(CancelPolicy, AuditRecordCarriesTheSessionAndWhoWaitsForWhom) {
  auto blocker = active_for(7, 6min + 500ms);
  blocker.blocked_by = {3};  // its own blockers, as read
  const auto waiter = with(active_for(9, 1min), [](auto& s) {
    s.wait_event_type = "Lock";
    s.blocked_by = {7, 0};
  });
  const auto other_waiter = with(waiter, [](auto& s) { s.pid = 8; });
  const auto decisions = decide_cancellations(poll_of({blocker, waiter, other_waiter}),
                                              CancelRules(enforce_config(), 2048), {});
  ASSERT_EQ(decisions.size(), 1U);
  const SessionAudit& a = decisions[0].session;
  EXPECT_EQ(a.pid, 7);
  EXPECT_EQ(a.backend_start, kBackendStart);
  EXPECT_EQ(a.query_start, kNow - 6min - 500ms);
  EXPECT_EQ(a.user, "app");
  EXPECT_EQ(a.database, "shop");
  EXPECT_EQ(a.application, "web");
  EXPECT_EQ(a.client_addr, "10.0.0.5");
  EXPECT_EQ(a.state, "active");
  EXPECT_DOUBLE_EQ(a.duration_seconds, 360.5);
  EXPECT_EQ(a.query, "SELECT * FROM orders");
  EXPECT_FALSE(a.query_truncated);
  EXPECT_EQ(a.blocks, (std::vector<BackendPid>{8, 9}));
  EXPECT_EQ(a.blocked_by, (std::vector<BackendPid>{3}));
  EXPECT_EQ(decisions[0].key, key_of(blocker));
}

TEST(CancelPolicy, VictimListsItsBlockersIncludingAPreparedTransaction) {
  const auto waiter = with(active_for(9, 7min), [](auto& s) {
    s.wait_event_type = "Lock";
    s.blocked_by = {0};
  });
  const auto decisions = decide_cancellations(poll_of({waiter}), CancelRules(enforce_config(), 2048), {});
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0].reason, CancelReason::waiting_on_lock);
  EXPECT_EQ(decisions[0].session.blocked_by, (std::vector<BackendPid>{0}));
}

TEST(CancelPolicy, AuditQueryIsCutOnACharacterBoundary) {
  // "SELECT '" is 8 bytes and "é" two: 17 bytes would end inside the fifth "é".
  const auto s = with(active_for(7, 6min), [](auto& x) { x.query = "SELECT 'éééééééé'"; });
  const auto decisions = decide_cancellations(poll_of({s}), CancelRules(enforce_config(), 17), {});
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0].session.query, "SELECT 'éééé");
  EXPECT_EQ(decisions[0].session.query.size(), 16U);
  EXPECT_TRUE(decisions[0].session.query_truncated);
}

TEST(CancelPolicy, ReasonNamesAreMachineReadable) {
  const std::vector<std::pair<CancelReason, std::string>> names = {
      {CancelReason::max_query_duration, "max_query_duration"},
      {CancelReason::terminate_after, "terminate_after"},
      {CancelReason::max_idle_in_transaction, "max_idle_in_transaction"},
      {CancelReason::own_session, "own_session"},
      {CancelReason::not_client_backend, "not_client_backend"},
      {CancelReason::superuser, "superuser"},
      {CancelReason::excluded_user, "excluded_user"},
      {CancelReason::excluded_database, "excluded_database"},
      {CancelReason::excluded_application, "excluded_application"},
      {CancelReason::excluded_query, "excluded_query"},
      {CancelReason::maintenance, "maintenance"},
      {CancelReason::prepared_transaction, "prepared_transaction"},
      {CancelReason::waiting_on_lock, "waiting_on_lock"},
      {CancelReason::not_blocking, "not_blocking"},
      {CancelReason::rate_limited, "rate_limited"},
  };
  for (const auto& [reason, name] : names) EXPECT_EQ(to_string(reason), name);
  EXPECT_EQ(to_string(CancelAction::cancel), "cancel");
  EXPECT_EQ(to_string(CancelAction::terminate), "terminate");
  EXPECT_EQ(to_string(CancelAction::skip), "skip");
}

}  // namespace
}  // namespace pgvigil::queries
