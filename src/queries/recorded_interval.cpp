#include "queries/recorded_interval.h"

#include <utility>
#include <vector>

#include "queries/report_json.h"
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
                        .json = interval_json_spliced(report),
                        .top = leading_top(report, top_kept)};
  kept.json.text.shrink_to_fit();
  kept.json.splices.shrink_to_fit();
  return kept;
}

void share_texts(RecordedInterval& interval, QueryTextTable& texts) {
  for (Splice& s : interval.json.splices) s.literal = texts.share(std::move(s.literal));
}

void release_texts(const RecordedInterval& interval, QueryTextTable& texts) {
  for (const Splice& s : interval.json.splices) texts.release(s.literal);
}

std::size_t interval_bytes(const RecordedInterval& interval) {
  return make_shared_bytes<RecordedInterval>() + heap_bytes(interval.member) + heap_bytes(interval.json.text) +
         heap_bytes(interval.json.splices) + heap_bytes(interval.top);
}

}  // namespace pgvigil::queries
