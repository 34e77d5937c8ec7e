#include "queries/recorded_interval.h"

#include <utility>
#include <vector>

#include "util/heap_bytes.h"

namespace pgvigil::queries {
namespace {

std::vector<TopStatement> leading_top(const IntervalReport& report, std::size_t top_kept) {
  std::size_t count = 0;
  while (count < top_kept && count < report.statements.size() && report.statements[count].top) ++count;
  std::vector<TopStatement> top;
  top.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const ReportedStatement& s = report.statements[i];
    top.push_back({.queryid = s.queryid, .exec_seconds = s.delta.total_exec_time_ms / 1000.0});
  }
  return top;
}

}  // namespace

RecordedInterval compact_interval(const IntervalReport& report, std::size_t top_kept) {
  RecordedInterval kept{.member = report.member,
                        .recorded_at = report.recorded_at,
                        .packed = pack_interval(report),
                        .top = leading_top(report, top_kept)};
  return kept;
}

void share_texts(RecordedInterval& interval, QueryTextTable& texts) {
  for (SharedLiteral& text : interval.packed.texts) text = texts.share(std::move(text));
}

void release_texts(const RecordedInterval& interval, QueryTextTable& texts) {
  for (const SharedLiteral& text : interval.packed.texts) texts.release(text);
}

std::size_t interval_bytes(const RecordedInterval& interval) {
  return make_shared_bytes<RecordedInterval>() + heap_bytes(interval.member) + heap_bytes(interval.packed.values) +
         heap_bytes(interval.packed.texts) + heap_bytes(interval.top);
}

}  // namespace pgvigil::queries
