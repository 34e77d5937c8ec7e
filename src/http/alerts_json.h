// GET /alerts: the alert engine's pending and firing alerts and how delivery to each sink goes,
// from the snapshot's AlertsView. Pure; any thread.
//
//   ?cluster=NAME   only the alerts of that cluster (daemon-wide alerts, which have none, are
//                   left out too); the sinks are always listed whole.
//
// Body: {"evaluated_at", "firing", "pending",
//        "alerts": [{"fingerprint", "state" (pending | firing), "since", "firing_since",
//                    "last_sent", "labels", "annotations", "generator_url"}],
//        "sinks": [{"name", "delivered", "rejected", "retried", "dropped", "queue_depth",
//                   "targets": [{"target", "queue_depth", "last_attempt", "last_success",
//                                "last_error", "consecutive_failures"}]}],
//        "queue_depth", "dropped_total", "spool_bytes" (the file), "spool_live_bytes" (what
//        is pending, bounded by spool_max_bytes), "spool_max_bytes", "spool_durable"}
// Times are RFC 3339 UTC, null when they have not happened. Without an engine (--once) the lists
// are empty.
#pragma once

#include <map>
#include <string>

#include "health/snapshot.h"

namespace pgvigil::http {

std::string alerts_json(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query);

}  // namespace pgvigil::http
