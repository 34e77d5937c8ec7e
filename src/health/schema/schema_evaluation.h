// The schema check's judgement: a run's observation against the config, into reasons of check
// `schema` whose `value` is the kind of problem (missing_table, checksum_mismatch, ...) and whose
// message names the object and the fix. Broken or missing objects take the configured severity;
// pending migrations (a deploy in progress, usually) and what keeps the check from seeing
// (a failed statement, an unreadable directory or table) are always warnings. Pure.
#pragma once

#include <string_view>

#include "config/config.h"
#include "health/schema/schema_observation.h"
#include "health/status.h"

namespace pgvigil::health {

inline constexpr std::string_view kSchemaCheck = "schema";

// At most this many reasons per kind; the last one says how many more there are.
inline constexpr std::size_t kMaxSchemaReasonsPerKind = 5;

// Adds the reasons to `out` and returns how many problems there are (also those left out of
// the reasons by the cap; each pending migration counts). Each reason's `number` is the count of
// its kind.
int evaluate_schema(const SchemaObservation& obs, const config::SchemaConfig& config, Evaluation& out);

}  // namespace pgvigil::health
