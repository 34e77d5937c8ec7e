#include "queries/cancel_policy.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include "queries/query_text.h"

namespace pgvigil::queries {
namespace {

using config::CancelMode;
using Age = WallTime::duration;

constexpr std::string_view kOwnApplicationPrefix = "pgvigil";

// The limit a session passed and what it calls for.
struct PassedLimit {
  CancelAction action = CancelAction::cancel;
  CancelReason reason = CancelReason::max_query_duration;
  Age age{};
};

// fastpath function call is a client call running in the backend, like a query.
bool is_running(const SessionActivity& s) { return s.state == "active" || s.state == "fastpath function call"; }

bool is_idle_in_transaction(const SessionActivity& s) {
  return s.state == "idle in transaction" || s.state == "idle in transaction (aborted)";
}

bool has_backend(const SessionActivity& s) { return s.pid.has_value() && *s.pid > 0; }

// A session already signalled for this very query is given terminate_after to end before it is
// signalled again, and the next signal is always a terminate.
std::optional<PassedLimit> after_earlier_signal(const std::optional<CancelTracker::Signal>& signal,
                                                PassedLimit first, CancelReason escalation, WallTime now,
                                                const config::CancelConfig& c) {
  if (!signal) return first;
  if (now - signal->at < c.terminate_after) return std::nullopt;
  return PassedLimit{.action = CancelAction::terminate, .reason = escalation, .age = first.age};
}

std::optional<PassedLimit> passed_limit(const SessionActivity& s, const config::CancelConfig& c, WallTime now,
                                        const std::optional<CancelTracker::Signal>& signal) {
  if (is_running(s) && s.query_start) {
    const Age age = now - *s.query_start;
    if (age <= c.max_query_duration) return std::nullopt;
    return after_earlier_signal(signal, {CancelAction::cancel, CancelReason::max_query_duration, age},
                                CancelReason::terminate_after, now, c);
  }
  if (is_idle_in_transaction(s) && s.state_change) {
    const Age age = now - *s.state_change;
    if (age <= c.max_idle_in_transaction) return std::nullopt;
    return after_earlier_signal(signal, {CancelAction::terminate, CancelReason::max_idle_in_transaction, age},
                                CancelReason::max_idle_in_transaction, now, c);
  }
  return std::nullopt;
}

bool is_own(const SessionActivity& s, const ActivityPoll& poll) {
  return poll.own_pids.contains(*s.pid) || s.application_name.starts_with(kOwnApplicationPrefix);
}

using BlockedMap = std::map<BackendPid, std::vector<BackendPid>>;

// Who waits for whom, inverted: for each blocker, the sessions waiting for it.
BlockedMap sessions_blocked_by_each(const ActivityPoll& poll) {
  BlockedMap blocked;
  for (const auto& s : poll.sessions) {
    if (!has_backend(s)) continue;
    for (BackendPid blocker : s.blocked_by) blocked[blocker].push_back(*s.pid);
  }
  for (auto& [blocker, waiters] : blocked) {
    std::ranges::sort(waiters);
    const auto duplicates = std::ranges::unique(waiters);
    waiters.erase(duplicates.begin(), duplicates.end());
  }
  return blocked;
}

std::optional<CancelReason> protection(const SessionActivity& s, const ActivityPoll& poll, const CancelRules& rules,
                                       bool blocks_others) {
  if (!has_backend(s)) return CancelReason::prepared_transaction;
  if (is_own(s, poll)) return CancelReason::own_session;
  if (s.backend_type != "client backend") return CancelReason::not_client_backend;
  if (poll.maintenance_pids.contains(*s.pid)) return CancelReason::maintenance;
  if (s.rolsuper && !rules.config().allow_superuser) return CancelReason::superuser;
  if (auto excluded = rules.excludes().exclusion(s)) return excluded;
  if (s.wait_event_type == "Lock") return CancelReason::waiting_on_lock;
  if (rules.config().only_if_blocking && !blocks_others) return CancelReason::not_blocking;
  return std::nullopt;
}

SessionAudit audit_of(const SessionActivity& s, const PassedLimit& limit, std::vector<BackendPid> blocks,
                      std::size_t max_query_length) {
  const std::string_view query = truncate_utf8(s.query, max_query_length);
  const double seconds = std::chrono::duration<double>(std::max(limit.age, Age::zero())).count();
  return {.pid = has_backend(s) ? *s.pid : 0,
          .backend_start = s.backend_start,
          .query_start = s.query_start,
          .user = s.usename,
          .database = s.datname,
          .application = s.application_name,
          .client_addr = s.client_addr,
          .state = s.state,
          .duration_seconds = seconds,
          .query = std::string(query),
          .query_truncated = query.size() < s.query.size(),
          .blocks = std::move(blocks),
          .blocked_by = s.blocked_by};
}

std::optional<CancelDecision> decide_session(const SessionActivity& s, const ActivityPoll& poll,
                                             const CancelRules& rules, const CancelTracker& tracker,
                                             const BlockedMap& blocked) {
  const SessionKey key = key_of(s);
  const auto limit = passed_limit(s, rules.config(), poll.server_now, tracker.last_signal(key));
  if (!limit) return std::nullopt;

  std::vector<BackendPid> blocks;
  if (has_backend(s)) {
    if (auto it = blocked.find(*s.pid); it != blocked.end()) blocks = it->second;
  }
  const auto protected_by = protection(s, poll, rules, !blocks.empty());

  CancelDecision d;
  d.action = protected_by ? CancelAction::skip : limit->action;
  d.reason = protected_by.value_or(limit->reason);
  d.intended = limit->action;
  d.limit = limit->reason;
  d.mode = rules.config().mode;
  d.repeated = protected_by && tracker.skip_reported(key, *protected_by);
  d.key = key;
  d.session = audit_of(s, *limit, std::move(blocks), rules.max_query_length());
  return d;
}

}  // namespace

std::string_view to_string(CancelAction action) {
  switch (action) {
    case CancelAction::cancel: return "cancel";
    case CancelAction::terminate: return "terminate";
    case CancelAction::skip: return "skip";
  }
  return "unknown";
}

std::string_view to_string(CancelReason reason) {
  switch (reason) {
    case CancelReason::max_query_duration: return "max_query_duration";
    case CancelReason::terminate_after: return "terminate_after";
    case CancelReason::max_idle_in_transaction: return "max_idle_in_transaction";
    case CancelReason::own_session: return "own_session";
    case CancelReason::not_client_backend: return "not_client_backend";
    case CancelReason::superuser: return "superuser";
    case CancelReason::excluded_user: return "excluded_user";
    case CancelReason::excluded_database: return "excluded_database";
    case CancelReason::excluded_application: return "excluded_application";
    case CancelReason::excluded_query: return "excluded_query";
    case CancelReason::maintenance: return "maintenance";
    case CancelReason::prepared_transaction: return "prepared_transaction";
    case CancelReason::waiting_on_lock: return "waiting_on_lock";
    case CancelReason::not_blocking: return "not_blocking";
    case CancelReason::rate_limited: return "rate_limited";
  }
  return "unknown";
}

std::string_view to_string(CancelMode mode) {
  switch (mode) {
    case CancelMode::off: return "off";
    case CancelMode::dry_run: return "dry_run";
    case CancelMode::enforce: return "enforce";
  }
  return "unknown";
}

bool is_attempt(const CancelDecision& decision) { return decision.action != CancelAction::skip; }

bool should_execute(const CancelDecision& decision) {
  return is_attempt(decision) && decision.mode == CancelMode::enforce;
}

CompiledExcludes::CompiledExcludes(const config::CancelExclude& exclude)
    : users_(exclude.users.begin(), exclude.users.end()),
      databases_(exclude.databases.begin(), exclude.databases.end()),
      applications_(exclude.applications.begin(), exclude.applications.end()) {
  queries_.reserve(exclude.queries.size());
  for (const auto& pattern : exclude.queries) {
    queries_.emplace_back(pattern, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  }
}

std::optional<CancelReason> CompiledExcludes::exclusion(const SessionActivity& session) const {
  if (users_.contains(session.usename)) return CancelReason::excluded_user;
  if (databases_.contains(session.datname)) return CancelReason::excluded_database;
  if (applications_.contains(session.application_name)) return CancelReason::excluded_application;
  if (matches_query(session.query)) return CancelReason::excluded_query;
  return std::nullopt;
}

bool CompiledExcludes::matches_query(std::string_view query) const {
  if (queries_.empty()) return false;
  const std::string_view text = truncate_utf8(strip_leading_comments(query), kPatternTextBytes);
  for (const auto& pattern : queries_) {
    try {
      if (std::regex_search(text.begin(), text.end(), pattern)) return true;
    } catch (const std::regex_error&) {
      return true;
    }
  }
  return false;
}

namespace {

std::shared_ptr<const CompiledExcludes> shared_excludes(const config::CancelExclude& exclude) {
  static std::mutex mutex;
  static auto* compiled = new std::vector<std::pair<config::CancelExclude, std::weak_ptr<const CompiledExcludes>>>;
  std::lock_guard lock(mutex);
  std::erase_if(*compiled, [](const auto& entry) { return entry.second.expired(); });
  for (const auto& [known, excludes] : *compiled) {
    if (known != exclude) continue;
    if (auto held = excludes.lock()) return held;
  }
  auto made = std::make_shared<const CompiledExcludes>(exclude);
  compiled->emplace_back(exclude, made);
  return made;
}

}  // namespace

CancelRules::CancelRules(config::CancelConfig config, std::size_t max_query_length)
    : config_(std::move(config)), excludes_(shared_excludes(config_.exclude)), max_query_length_(max_query_length) {}

std::optional<CancelTracker::Signal> CancelTracker::last_signal(const SessionKey& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? std::nullopt : it->second.signal;
}

bool CancelTracker::skip_reported(const SessionKey& key, CancelReason reason) const {
  const auto it = entries_.find(key);
  return it != entries_.end() && it->second.skipped == reason;
}

void CancelTracker::remember(std::span<const CancelDecision> decisions, WallTime server_now) {
  for (const auto& d : decisions) {
    Entry& entry = entries_[d.key];
    if (is_attempt(d)) {
      entry.signal = Signal{.action = d.action, .reason = d.reason, .at = server_now};
      entry.skipped.reset();
    } else {
      entry.skipped = d.reason;
    }
  }
}

void CancelTracker::forget_absent(const ActivityPoll& poll) {
  std::set<SessionKey> present;
  for (const auto& s : poll.sessions) present.insert(key_of(s));
  std::erase_if(entries_, [&](const auto& entry) { return !present.contains(entry.first); });
}

SessionKey key_of(const SessionActivity& session) {
  return {.pid = session.pid.value_or(0), .backend_start = session.backend_start, .query_start = session.query_start};
}

std::vector<CancelDecision> decide_cancellations(const ActivityPoll& poll, const CancelRules& rules,
                                                 const CancelTracker& tracker) {
  std::vector<CancelDecision> decisions;
  if (rules.config().mode == CancelMode::off) return decisions;
  const BlockedMap blocked = sessions_blocked_by_each(poll);
  for (const auto& session : poll.sessions) {
    if (auto decision = decide_session(session, poll, rules, tracker, blocked)) decisions.push_back(std::move(*decision));
  }
  return decisions;
}

}  // namespace pgvigil::queries
