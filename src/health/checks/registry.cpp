// The explicit table of checks. A check appears here once; its SQL, parsing and judgement live
// in its own file. Names match config/check_table.cpp, but for database_size.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <vector>

#include "health/checks/check.h"
#include "health/checks/database_checks.h"
#include "health/checks/replication_checks.h"
#include "health/checks/role_check.h"
#include "health/checks/session_checks.h"
#include "health/checks/write_probe.h"

namespace pgvigil::health {
namespace {

void nothing_to_parse(const nlohmann::json&, Observations&) {}
void nothing_to_judge(const Observations&, const CheckContext&, Evaluation&) {}

const std::array kChecks = {
    Check{"role", false, kRoleSql, "", parse_role, evaluate_role},
    Check{"connectivity", false, "", "", nothing_to_parse, evaluate_connectivity},
    Check{"replication_lag", false, "", "", nothing_to_parse, evaluate_replication_lag},
    Check{"connections", false, kConnectionsSql, kClientSessionsCte, parse_connections, evaluate_connections,
          adopt_connections},
    Check{"long_running", false, kLongRunningSql, kClientSessionsCte, parse_long_running, evaluate_long_running,
          adopt_long_running},
    Check{"idle_in_transaction", false, kIdleInTransactionSql, kClientSessionsCte, parse_idle_in_transaction,
          evaluate_idle_in_transaction, adopt_idle_in_transaction},
    Check{"prepared_xacts", false, kPreparedXactsSql, "", parse_prepared_xacts, evaluate_prepared_xacts},
    Check{"cache_hit", false, kCacheHitSql, "", parse_cache_hit, evaluate_cache_hit},
    Check{"blocking", true, kBlockingSql, "", parse_blocking, evaluate_blocking},
    Check{"wraparound", true, kWraparoundSql, "", parse_wraparound, evaluate_wraparound},
    Check{"replication_slots", true, kSlotsSql, "", parse_slots, evaluate_slots},
    Check{"wal", true, kWalSql, "", parse_wal, evaluate_wal},
    Check{"archiver", true, kArchiverSql, "", parse_archiver, evaluate_archiver},
    Check{"write_probe", false, "", "", nothing_to_parse, evaluate_write_probe},
    Check{"database_size", true, kDatabaseSizeSql, "", parse_database_size, nothing_to_judge},
};

// role is not switchable: topology and failover depend on it. Nor is database_size, a reading
// without thresholds (not in the config's table of checks).
bool enabled(const config::HealthConfig& health, std::string_view name) {
  if (name == "role" || name == "database_size") return true;
  auto it = health.checks.find(std::string(name));
  return it != health.checks.end() && it->second.enabled;
}

}  // namespace

std::span<const Check> all_checks() { return kChecks; }

std::string build_cycle_query(const config::HealthConfig& health, bool with_costly, SessionSource sessions) {
  std::vector<std::string_view> ctes;
  std::string columns;
  for (const auto& check : kChecks) {
    if ((check.costly && !with_costly) || check.sql.empty() || !enabled(health, check.name)) continue;
    if (sessions == SessionSource::activity_poll && check.adopt != nullptr) continue;
    if (!check.with.empty() && std::ranges::find(ctes, check.with) == ctes.end()) ctes.push_back(check.with);
    columns += columns.empty() ? "SELECT " : ",\n       ";
    columns += fmt::format("{} AS {}", check.sql, check.name);
  }
  if (ctes.empty()) return columns;
  return fmt::format("WITH {}\n{}", fmt::join(ctes, ",\n     "), columns);
}

SessionSummarySql build_session_summary_sql(std::string_view relation) {
  std::string fields;
  for (const auto& check : kChecks) {
    if (check.adopt == nullptr) continue;
    fields += fmt::format("{}'{}', {}", fields.empty() ? "" : ", ", check.name, check.sql);
  }
  return SessionSummarySql{client_sessions_cte(relation), fmt::format("json_build_object({})", fields)};
}

SessionObservations read_session_summary(const nlohmann::json& summary, double server_now) {
  Observations read;
  // As read_cycle_row reads a cycle's columns: a key that is there goes to its check's parser,
  // even when its value is null.
  for (const auto& check : kChecks) {
    if (check.adopt == nullptr || !summary.is_object()) continue;
    if (const auto it = summary.find(std::string(check.name)); it != summary.end()) check.parse(*it, read);
  }
  SessionObservations sessions = session_part(read);
  sessions.server_now = server_now;
  return sessions;
}

void adopt_sessions(const SessionObservations& sessions, const config::HealthConfig& health, Observations& obs) {
  for (const auto& check : kChecks) {
    if (check.adopt != nullptr && enabled(health, check.name)) check.adopt(sessions, obs);
  }
  // The poll read them a moment before this cycle: a session still running has run that much
  // longer, by the server's own clock, so a limit is never crossed later than it would be seen.
  const double age = obs.role.server_now - sessions.server_now;
  if (sessions.server_now <= 0 || obs.role.server_now <= 0 || age <= 0) return;
  for (auto* longest : {&obs.longest_query, &obs.longest_transaction, &obs.longest_idle_in_transaction}) {
    if (*longest) (*longest)->seconds += age;
  }
}

Evaluation evaluate_checks(const Observations& obs, const config::HealthConfig& health) {
  Evaluation out;
  static const config::CheckConfig kNoThresholds{};
  for (const auto& check : kChecks) {
    if (!enabled(health, check.name)) continue;
    auto it = health.checks.find(std::string(check.name));
    const CheckContext ctx{it == health.checks.end() ? kNoThresholds : it->second, obs.role.in_recovery};
    check.evaluate(obs, ctx, out);
  }
  return out;
}

}  // namespace pgvigil::health
