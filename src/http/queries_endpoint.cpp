#include "http/queries_endpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <expected>
#include <optional>
#include <vector>

#include "http/endpoints.h"
#include "queries/interval_history.h"
#include "util/logging.h"

namespace pgvigil::http {
namespace {

using Recorded = std::shared_ptr<const queries::RecordedInterval>;

std::optional<std::string> parameter(const std::map<std::string, std::string>& query, const std::string& name) {
  const auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::expected<std::size_t, std::string> parse_limit(const std::optional<std::string>& text) {
  if (!text) return kMaxQueriesLimit;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  // from_chars takes no sign and no spaces; an overflow is still a whole number, just a big one.
  const bool whole = !text->empty() && end == text->data() + text->size() &&
                     (ec == std::errc{} || ec == std::errc::result_out_of_range);
  if (!whole || (ec == std::errc{} && limit == 0)) {
    return std::unexpected(fmt::format("limit must be a whole number from 1 up, not \"{}\"", text->substr(0, 40)));
  }
  return ec == std::errc{} ? std::min(limit, kMaxQueriesLimit) : kMaxQueriesLimit;
}

// The intervals of the clusters asked for, newest first across clusters.
std::vector<Recorded> newest_first(const health::Snapshot& snapshot, const std::optional<std::string>& cluster,
                                   const std::optional<std::string>& member, std::size_t limit) {
  std::vector<Recorded> out;
  if (!snapshot.statements) return out;
  for (const auto& configured : snapshot.clusters) {
    if (cluster && configured->name != *cluster) continue;
    const queries::ClusterStatementHistory* history = snapshot.statements->cluster(configured->name);
    if (history == nullptr) continue;
    for (const Recorded& recorded : history->intervals) {
      if (member && recorded->member != *member) continue;
      if (configured->member(recorded->member) == nullptr) continue;  // removed by a reload
      out.push_back(recorded);
    }
  }
  // Each cluster's list is newest first already; a stable sort merges them and keeps that order.
  std::ranges::stable_sort(out, [](const Recorded& a, const Recorded& b) {
    return a->recorded_at > b->recorded_at;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string name_or_null(const std::optional<std::string>& name) {
  return name ? "\"" + json_escape(*name) + "\"" : "null";
}

}  // namespace

Response queries_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query) {
  const auto cluster = parameter(query, "cluster");
  const auto member = parameter(query, "member");
  const auto limit = parse_limit(parameter(query, "limit"));
  if (!limit) return error_response(400, limit.error());
  if (member && !cluster) return error_response(400, "member needs cluster");
  if (cluster) {
    const health::ClusterSnapshot* found = snapshot.cluster(*cluster);
    if (found == nullptr) return error_response(404, "unknown cluster \"" + *cluster + "\"");
    if (member && found->member(*member) == nullptr) {
      return error_response(404, "unknown member \"" + *member + "\" in cluster \"" + *cluster + "\"");
    }
  }
  const auto intervals = newest_first(snapshot, cluster, member, *limit);
  std::string body = fmt::format(R"({{"cluster":{},"member":{},"count":{},"intervals":[)", name_or_null(cluster),
                                 name_or_null(member), intervals.size());
  std::size_t size = body.size() + 2;
  for (const Recorded& recorded : intervals) size += recorded->packed.json_size() + 1;
  body.reserve(size);  // up to 1,000 intervals: one allocation, not a dozen doublings
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (i > 0) body += ',';
    intervals[i]->packed.append_json_to(body);
  }
  body += "]}";
  return json_response(200, std::move(body));
}

}  // namespace pgvigil::http
