// write_probe (optional): the primary upserts one heartbeat row per member under the query
// timeout, which catches commits that hang or fail while reads still work (a lost synchronous
// standby, a full disk, a primary switched read-only). A replica reads the newest heartbeat it
// has replayed: its age is end-to-end lag as an application would see it.
// Runs as its own statement because a write cannot sit inside the cycle's read-only SELECT.
#pragma once

#include <string>
#include <string_view>

#include "health/checks/check.h"
#include "health/checks/judge.h"

namespace pgvigil::health {

// The table is validated by the config loader (plain, optionally schema-qualified identifiers).
std::string write_probe_upsert_sql(std::string_view table);  // $1 = member name
std::string write_probe_create_sql(std::string_view table);
std::string heartbeat_age_sql(std::string_view table);

// SQLSTATE 42P01: the heartbeat table does not exist yet.
bool is_missing_table(std::string_view sqlstate);

void evaluate_write_probe(const Observations& obs, const CheckContext& ctx, Evaluation& out);

}  // namespace pgvigil::health
