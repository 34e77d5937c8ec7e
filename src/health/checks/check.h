// One health check: the SQL it adds to a cycle's single statement, how it reads its part of the
// answer, and how it judges what it read against its thresholds. Each check lives in its own
// file and is listed once in the table (registry.cpp). Checks are pure apart from their SQL text.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <span>
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
};

std::span<const Check> all_checks();

// Builds "WITH <with>, ... SELECT <sql> AS <name>, ..." from the enabled checks: the regular ones,
// and the costly ones too when `with_costly` (the cycles where they are due run one statement,
// not two).
std::string build_cycle_query(const config::HealthConfig& health, bool with_costly);

// Judges every enabled check; the caller adds reachability, staleness and topology.
Evaluation evaluate_checks(const Observations& obs, const config::HealthConfig& health);

}  // namespace pgvigil::health
