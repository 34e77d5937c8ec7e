#include "alerts/sink_routing.h"

#include <algorithm>

namespace pgvigil::alerts {
namespace {

bool listed(const std::vector<std::string>& filter, const Labels& labels, const std::string& key) {
  if (filter.empty()) return true;
  auto it = labels.find(key);
  if (it == labels.end()) return key == "cluster";  // daemon-wide: see the header
  return std::ranges::find(filter, it->second) != filter.end();
}

}  // namespace

bool sink_accepts(const config::SinkConfig& sink, const Labels& labels) {
  return listed(sink.severities, labels, "severity") && listed(sink.clusters, labels, "cluster");
}

std::vector<Notice> notices_for(const config::SinkConfig& sink, const std::vector<Notice>& notices) {
  std::vector<Notice> out;
  for (const auto& notice : notices) {
    if (sink_accepts(sink, notice.labels)) out.push_back(notice);
  }
  return out;
}

std::vector<SinkBatch> route(std::span<const config::SinkConfig> sinks, const std::vector<Notice>& notices) {
  std::vector<SinkBatch> out;
  for (const auto& sink : sinks) {
    auto taken = notices_for(sink, notices);
    if (!taken.empty()) out.push_back(SinkBatch{sink.name, std::move(taken)});
  }
  return out;
}

}  // namespace pgvigil::alerts
