#include "queries/table_stats.h"

#include <unordered_map>

namespace pgvigil::queries {

std::vector<TableDelta> diff_tables(const std::vector<TableStats>& before, const std::vector<TableStats>& now) {
  std::unordered_map<std::uint32_t, const TableStats*> previous;
  for (const TableStats& table : before) previous.emplace(table.relid, &table);
  std::vector<TableDelta> out;
  for (const TableStats& table : now) {
    const auto found = previous.find(table.relid);
    if (found == previous.end()) continue;
    const TableStats& old = *found->second;
    if (table.seq_scan < old.seq_scan || table.seq_tup_read < old.seq_tup_read || table.idx_scan < old.idx_scan) {
      continue;
    }
    out.push_back({table.name, table.size_bytes, table.seq_scan - old.seq_scan, table.seq_tup_read - old.seq_tup_read,
                   table.idx_scan - old.idx_scan});
  }
  return out;
}

}  // namespace pgvigil::queries
