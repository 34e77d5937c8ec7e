// Scan counters of the largest, most sequentially read tables of the monitoring database
// (pg_stat_user_tables), and their change between two reads. Plain values; diff_tables is pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pgvigil::queries {

struct TableStats {
  std::uint32_t relid = 0;  // Oid
  std::string name{};       // schema.table
  std::int64_t size_bytes = 0;
  std::int64_t seq_scan = 0;
  std::int64_t seq_tup_read = 0;
  std::int64_t idx_scan = 0;
};

struct TableDelta {
  std::string name{};
  std::int64_t size_bytes = 0;  // now
  std::int64_t seq_scans = 0;
  std::int64_t seq_tup_read = 0;
  std::int64_t idx_scans = 0;
};

// Tables present in both reads whose counters did not go backwards (a statistics reset, a
// table dropped and its oid reused): nothing is reported for the others rather than a guess.
std::vector<TableDelta> diff_tables(const std::vector<TableStats>& before, const std::vector<TableStats>& now);

}  // namespace pgvigil::queries
