// The explicit table of checks. A check appears here once; its SQL, parsing and judgement live
// in its own file. Names match config/check_table.cpp.
#include <fmt/format.h>

#include <array>

#include "health/checks/check.h"
#include "health/checks/database_checks.h"
#include "health/checks/replication_checks.h"
#include "health/checks/role_check.h"
#include "health/checks/session_checks.h"
#include "health/checks/write_probe.h"

namespace pgvigil::health {
namespace {

void nothing_to_parse(const nlohmann::json&, Observations&) {}

const std::array kChecks = {
    Check{"role", false, kRoleSql, parse_role, evaluate_role},
    Check{"connectivity", false, "", nothing_to_parse, evaluate_connectivity},
    Check{"replication_lag", false, "", nothing_to_parse, evaluate_replication_lag},
    Check{"connections", false, kConnectionsSql, parse_connections, evaluate_connections},
    Check{"long_running", false, kLongRunningSql, parse_long_running, evaluate_long_running},
    Check{"idle_in_transaction", false, kIdleInTransactionSql, parse_idle_in_transaction, evaluate_idle_in_transaction},
    Check{"prepared_xacts", false, kPreparedXactsSql, parse_prepared_xacts, evaluate_prepared_xacts},
    Check{"cache_hit", false, kCacheHitSql, parse_cache_hit, evaluate_cache_hit},
    Check{"blocking", true, kBlockingSql, parse_blocking, evaluate_blocking},
    Check{"wraparound", true, kWraparoundSql, parse_wraparound, evaluate_wraparound},
    Check{"replication_slots", true, kSlotsSql, parse_slots, evaluate_slots},
    Check{"wal", true, kWalSql, parse_wal, evaluate_wal},
    Check{"archiver", true, kArchiverSql, parse_archiver, evaluate_archiver},
    Check{"write_probe", false, "", nothing_to_parse, evaluate_write_probe},
};

// role is not switchable: topology and failover depend on it.
bool enabled(const config::HealthConfig& health, std::string_view name) {
  if (name == "role") return true;
  auto it = health.checks.find(std::string(name));
  return it != health.checks.end() && it->second.enabled;
}

}  // namespace

std::span<const Check> all_checks() { return kChecks; }

std::string build_cycle_query(const config::HealthConfig& health, bool costly) {
  std::string columns;
  for (const auto& check : kChecks) {
    if (check.costly != costly || check.sql.empty() || !enabled(health, check.name)) continue;
    columns += columns.empty() ? "SELECT " : ",\n       ";
    columns += fmt::format("{} AS {}", check.sql, check.name);
  }
  return columns;
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
