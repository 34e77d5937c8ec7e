// What the alert engine knows, frozen for readers: the pending and firing alerts and how
// delivery to each sink goes. Published by the AlertEngine after each pass, attached to every
// health snapshot, read by GET /alerts and the metrics; never changed after publication.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "alerts/alert.h"
#include "alerts/alert_book.h"
#include "alerts/dispatcher_stats.h"
#include "util/clock.h"

namespace pgvigil::alerts {

struct AlertsView {
  std::optional<WallTime> evaluated_at{};  // the last pass; none before the first
  std::vector<ActiveAlert> active{};       // pending and firing, by fingerprint
  std::array<std::size_t, 3> firing{};     // by AlertSeverity: info, warning, critical
  DispatcherStats delivery{};
  std::uint64_t spool_max_bytes = 0;

  std::size_t firing_count(AlertSeverity severity) const { return firing[static_cast<std::size_t>(severity)]; }
};

}  // namespace pgvigil::alerts
