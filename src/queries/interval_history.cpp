#include "queries/interval_history.h"

namespace pgvigil::queries {

const RecordedInterval* ClusterStatementHistory::latest(std::string_view member) const {
  for (const auto& recorded : intervals) {
    if (recorded->member == member) return recorded.get();
  }
  return nullptr;
}

const ClusterStatementHistory* IntervalHistory::cluster(std::string_view name) const {
  const auto found = clusters.find(name);
  return found != clusters.end() ? found->second.get() : nullptr;
}

}  // namespace pgvigil::queries
