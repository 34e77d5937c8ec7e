// One health check: the SQL it adds to a cycle's single statement, how it reads its part of the
// answer, and how it judges what it read against its thresholds. Each check lives in its own
// file and is listed once in the table (registry.cpp). Checks are pure apart from their SQL text.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "health/observations.h"
#include "health/status.h"

namespace pgvigil::health {

struct CheckContext {
  const config::CheckConfig& config;
  bool is_replica = false;
};

struct Check {
  std::string_view name;
  bool costly;               // runs every slow_checks_interval
  std::string_view sql;      // an expression yielding one json value (empty: nothing to read)
  std::string_view with;     // a common table expression `sql` reads, shared with other checks
  void (*parse)(const nlohmann::json& value, Observations& out);
  void (*evaluate)(const Observations& obs, const CheckContext& ctx, Evaluation& out);
  // Set for the checks over pg_stat_activity, which the activity poll can read in its own scan:
  // copies into `out` what `parse` would have filled, from that reading. Null for the others.
  void (*adopt)(const SessionObservations& from, Observations& out) = nullptr;
};

std::span<const Check> all_checks();

// Where a cycle's session checks (those with `adopt`) get their reading: a scan of
// pg_stat_activity in the cycle's own statement, or the member's activity poll, which scanned it
// moments ago (then the cycle's statement leaves them out and reads pg_stat_activity not at all).
enum class SessionSource { scan, activity_poll };

// Builds "WITH <with>, ... SELECT <sql> AS <name>, ..." from the enabled checks: the regular ones,
// and the costly ones too when `with_costly` (the cycles where they are due run one statement,
// not two); without the session checks when they come from the activity poll.
std::string build_cycle_query(const config::HealthConfig& health, bool with_costly,
                              SessionSource sessions = SessionSource::scan);

// The session checks' SQL for a statement that scans pg_stat_activity for its own ends (the
// activity poll): `cte` defines client_sessions over `relation`, a common table expression of that
// statement holding pg_stat_activity's rows; `json` is one json object with each session check's
// value under its name, enabled or not (adopt_sessions leaves out the disabled ones).
struct SessionSummarySql {
  std::string cte;
  std::string json;
};
SessionSummarySql build_session_summary_sql(std::string_view relation);

// Reads that object with each session check's parser, as a cycle's columns are read.
SessionObservations read_session_summary(const nlohmann::json& summary, double server_now);

// Fills `obs` with the enabled session checks' part of `sessions`: what a scan in the cycle's own
// statement would have filled, field for field.
void adopt_sessions(const SessionObservations& sessions, const config::HealthConfig& health, Observations& obs);

// Judges every enabled check; the caller adds reachability, staleness and topology.
Evaluation evaluate_checks(const Observations& obs, const config::HealthConfig& health);

}  // namespace pgvigil::health
