#include "health/cycle_reader.h"

#include <nlohmann/json.hpp>

#include "health/checks/check.h"

namespace pgvigil::health {

void read_cycle_row(const db::Result& row, Observations& out) {
  if (row.rows() < 1) return;
  for (const auto& check : all_checks()) {
    const int col = row.column(check.name);
    if (col < 0) continue;  // disabled, or not in this statement
    const auto value = row.is_null(0, col) ? nlohmann::json() : nlohmann::json::parse(row.text(0, col), nullptr, false);
    if (!value.is_discarded()) check.parse(value, out);
  }
}

}  // namespace pgvigil::health
