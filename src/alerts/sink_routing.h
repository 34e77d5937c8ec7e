// Which notices go to which sink, by the sinks' filters (alerts.sinks[].severities and
// .clusters; empty = all). Pure; any thread.
//
// A notice passes a sink when its severity label is listed (or the list is empty) and its
// cluster label is listed (or the list is empty). Daemon-wide alerts carry no cluster label and
// pass every cluster filter: a failed reload or a full spool concerns every cluster's watchers.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "alerts/alert.h"
#include "config/config.h"

namespace pgvigil::alerts {

bool sink_accepts(const config::SinkConfig& sink, const Labels& labels);

// The notices `sink` takes, in their order.
std::vector<Notice> notices_for(const config::SinkConfig& sink, const std::vector<Notice>& notices);

struct SinkBatch {
  std::string sink{};  // the sink's name
  std::vector<Notice> notices{};
};

// One batch per sink that takes at least one notice, in the sinks' order.
std::vector<SinkBatch> route(std::span<const config::SinkConfig> sinks, const std::vector<Notice>& notices);

}  // namespace pgvigil::alerts
