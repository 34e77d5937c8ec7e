// What `status` and `verify` print, from the computed status (plan.h). Pure; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "migrate/plan.h"

namespace pgvigil::migrate {

// A table with a header: VERSION NAME STATE APPLIED_AT EXECUTION, one row per version, columns
// aligned; "no migrations" when there are none.
std::string format_status(const std::vector<StatusEntry>& status);

// One line per disagreement ("checksum mismatch: 0003_add_index.up.sql ..."), then a summary
// line; "OK: N migrations applied, directory and database agree" when there is none.
std::string format_verify(const std::vector<StatusEntry>& status);

}  // namespace pgvigil::migrate
