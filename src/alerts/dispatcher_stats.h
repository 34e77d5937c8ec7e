// What the Dispatcher reports about itself, for /metrics and GET /alerts: plain copies, safe to
// keep and read on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.h"

namespace pgvigil::alerts {

// Notifications by outcome (pgvigil_alert_notifications_total{sink,outcome}). A notification to
// an Alertmanager cluster counts once per URL.
struct SinkDeliveryStats {
  std::string sink;
  std::uint64_t delivered = 0;  // accepted (2xx)
  std::uint64_t rejected = 0;   // refused for good (4xx) and dropped
  std::uint64_t retried = 0;    // attempts that failed and will be tried again
  std::uint64_t dropped = 0;    // given up on unsent: pushed out of a full spool
  std::size_t queue_depth = 0;  // waiting in the spool
};

struct TargetDeliveryStats {
  std::string target;  // "<sink>#<n>", see target_key()
  std::string sink;
  std::size_t queue_depth = 0;
  std::optional<WallTime> last_attempt;
  std::optional<WallTime> last_success;
  std::string last_error;                 // of the latest failed attempt; kept after a success
  std::uint64_t consecutive_failures = 0;  // attempts since the last success
};

struct DispatcherStats {
  std::vector<SinkDeliveryStats> sinks;      // in configuration order
  std::vector<TargetDeliveryStats> targets;  // likewise
  std::size_t queue_depth = 0;               // all pending deliveries
  std::uint64_t dropped_total = 0;           // incl. those for sinks no longer configured
  std::uint64_t spool_bytes = 0;       // the file, done records included until compaction
  std::uint64_t spool_live_bytes = 0;  // what the pending deliveries take: what spool_max_bytes bounds
  bool spool_durable = true;  // false once the spool file could not be written
};

}  // namespace pgvigil::alerts
