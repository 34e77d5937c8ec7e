// What the runaway-session canceller does with each session of one pg_stat_activity poll.
// Pure: decide_cancellations() reads the poll, the rules and what was signalled before
// (CancelTracker), and neither signals, logs nor reads a clock; ages are measured from the
// server's now() carried by the poll. Executing and auditing the decisions is the caller's job;
// rate limiting (action_rate_limiter.h) and remembering signals happen after deciding, in
// run_cancel_round() (cancel_round.h).
//
// Limits (each decision names the one passed in `limit`):
//  - max_query_duration: an active query (state active or fastpath function call) older than
//    the limit, from query_start, is cancelled (pg_cancel_backend).
//  - terminate_after: the same query of the same backend (pid, backend_start, query_start)
//    still running terminate_after or more after it was signalled is terminated
//    (pg_terminate_backend). Between the signal and then, nothing is decided for it: a cancel is
//    given time to land instead of being repeated every poll. A new query_start is a new query
//    and starts again from a cancel.
//  - max_idle_in_transaction: a session idle in transaction (aborted or not) longer than the
//    limit, from state_change, is terminated; a cancel would do nothing to an idle session.
// "Older than" is strict: a session exactly at its limit is within it. terminate_after is
// reached when exactly that much time has passed.
//
// Protections, checked in this order once a limit is passed; the first that applies is the
// reason of a `skip` decision:
//  prepared_transaction (no pid to signal), own_session (a pid of this daemon, or an
//  application_name starting with "pgvigil"), not_client_backend, maintenance (in a progress
//  view), superuser (unless allow_superuser), excluded_user, excluded_database,
//  excluded_application (exact names), excluded_query (patterns, see CompiledExcludes),
//  waiting_on_lock (a victim: its blockers are judged on their own rows instead, and it lists
//  them), not_blocking (only_if_blocking, and no session waits for it).
//
// Which sessions produce a decision: only those past a limit. One within its limits produces
// nothing, whoever it is; one past a limit but protected produces a `skip` with the protection
// as its reason, so the audit can tell "left alone because superuser". A skip is never an
// attempt. Skips repeat every poll while the session stays; `repeated` marks those already
// reported, so an audit can record each once. Mode off decides nothing at all.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "queries/session_activity.h"

namespace pgvigil::queries {

enum class CancelAction {
  cancel,     // pg_cancel_backend: ends the running query, keeps the session
  terminate,  // pg_terminate_backend: ends the session
  skip,       // left alone: never an attempt, whatever the mode
};

enum class CancelReason {
  // Limits: why a session is acted on.
  max_query_duration,
  terminate_after,
  max_idle_in_transaction,
  // Protections: why a session past a limit is left alone.
  own_session,
  not_client_backend,
  superuser,
  excluded_user,
  excluded_database,
  excluded_application,
  excluded_query,
  maintenance,
  prepared_transaction,
  waiting_on_lock,
  not_blocking,
  rate_limited,  // set by the rate limiter, never by decide_cancellations()
};

// Machine-readable names: the enumerator spelled as in the source ("max_query_duration").
std::string_view to_string(CancelAction action);
std::string_view to_string(CancelReason reason);
std::string_view to_string(config::CancelMode mode);  // off | dry_run | enforce, as in the config

// One query of one backend: a recycled pid or a new query is another key.
struct SessionKey {
  BackendPid pid = 0;
  WallTime backend_start{};
  std::optional<WallTime> query_start;

  friend bool operator==(const SessionKey&, const SessionKey&) = default;
  friend auto operator<=>(const SessionKey&, const SessionKey&) = default;
};

// What an audit record of the decision needs to say about the session.
struct SessionAudit {
  BackendPid pid = 0;  // 0: none (a prepared transaction)
  WallTime backend_start{};
  std::optional<WallTime> query_start;
  std::string user;
  std::string database;
  std::string application;
  std::string client_addr;
  std::string state;
  double duration_seconds = 0;  // the age the limit measured (query age, or time idle)
  std::string query;            // at most max_query_length bytes, whole UTF-8 characters
  bool query_truncated = false;
  std::vector<BackendPid> blocks;      // sessions waiting for it, ascending
  std::vector<BackendPid> blocked_by;  // the sessions it waits for (0: a prepared transaction)
};

struct CancelDecision {
  CancelAction action = CancelAction::skip;
  // For cancel/terminate the limit passed; for skip the protection that applied.
  CancelReason reason = CancelReason::max_query_duration;
  // What the limit called for and which limit it was; for cancel/terminate the same as
  // action/reason, for a skip what would have been done without the protection.
  CancelAction intended = CancelAction::cancel;
  CancelReason limit = CancelReason::max_query_duration;
  // dry_run: decided and audited like enforce, but not executed.
  config::CancelMode mode = config::CancelMode::dry_run;
  bool repeated = false;  // a skip already reported for this session with this reason
  SessionKey key;
  SessionAudit session;
};

// A cancel or terminate decision (in dry_run too); never a skip.
bool is_attempt(const CancelDecision& decision);
// An attempt to carry out now: mode enforce.
bool should_execute(const CancelDecision& decision);

// The exclude lists, with the query patterns compiled once (std::regex construction is slow).
class CompiledExcludes {
 public:
  // Patterns are checked by the config loader; one that does not compile throws
  // std::regex_error here.
  explicit CompiledExcludes(const config::CancelExclude& exclude);

  // excluded_user, excluded_database, excluded_application or excluded_query, first match in
  // that order; empty when the session is not excluded.
  std::optional<CancelReason> exclusion(const SessionActivity& session) const;

  // The patterns are searched (anywhere, case-insensitively) in the text after its leading
  // whitespace and comments, so a comment cannot hide a VACUUM from `^\s*VACUUM`. They see at
  // most the first kPatternTextBytes bytes: libstdc++'s backtracking matcher takes quadratic
  // time and recursion as deep as the text on patterns like `.*x`, which on a long text would
  // stall the poll or overflow the stack. A pattern that fails to run counts as a match: when
  // in doubt, leave the session alone.
  bool matches_query(std::string_view query) const;

  static constexpr std::size_t kPatternTextBytes = 1024;  // PostgreSQL's default track_activity_query_size

 private:
  std::set<std::string, std::less<>> users_;
  std::set<std::string, std::less<>> databases_;
  std::set<std::string, std::less<>> applications_;
  std::vector<std::regex> queries_;
};

// The cancel configuration of one cluster, ready to judge polls. Built once per config load.
class CancelRules {
 public:
  CancelRules(config::CancelConfig config, std::size_t max_query_length);

  const config::CancelConfig& config() const { return config_; }
  const CompiledExcludes& excludes() const { return *excludes_; }
  std::size_t max_query_length() const { return max_query_length_; }

 private:
  config::CancelConfig config_;
  // Shared by every cluster with the same exclusions: compiled patterns take kilobytes each,
  // and a fleet's clusters mostly keep the defaults.
  std::shared_ptr<const CompiledExcludes> excludes_;
  std::size_t max_query_length_ = 0;
};

// What was decided for each session in earlier polls of one member: when it was last
// signalled (for terminate_after) and which skip was last reported (for `repeated`). The
// caller keeps one per member between polls; pids mean nothing on another server.
class CancelTracker {
 public:
  struct Signal {
    CancelAction action = CancelAction::cancel;
    CancelReason reason = CancelReason::max_query_duration;
    WallTime at{};  // the server's now() of the poll that decided it
  };

  std::optional<Signal> last_signal(const SessionKey& key) const;
  bool skip_reported(const SessionKey& key, CancelReason reason) const;

  // Records the poll's final decisions (after rate limiting): attempts as signals at
  // `server_now` (dry_run ones too, so dry_run escalates as enforce would when a cancel does
  // not take), skips as reported.
  void remember(std::span<const CancelDecision> decisions, WallTime server_now);
  // Forgets every key not in the poll: ended sessions, recycled pids and finished queries.
  void forget_absent(const ActivityPoll& poll);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::optional<Signal> signal;
    std::optional<CancelReason> skipped;
  };
  std::map<SessionKey, Entry> entries_;
};

SessionKey key_of(const SessionActivity& session);

// One decision per session past a limit, in the order of poll.sessions; nothing in mode off.
std::vector<CancelDecision> decide_cancellations(const ActivityPoll& poll, const CancelRules& rules,
                                                 const CancelTracker& tracker);

}  // namespace pgvigil::queries
