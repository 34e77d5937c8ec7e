// Reads the one row a cycle's statement returns into Observations: each enabled check's column
// is a json value handed to that check's parser. Thread-compatible (no shared state).
#pragma once

#include "config/config.h"
#include "db/result.h"
#include "health/observations.h"

namespace pgvigil::health {

void read_cycle_row(const db::Result& row, Observations& out);

}  // namespace pgvigil::health
