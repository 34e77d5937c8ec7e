// The alert engine's state: firing alerts by severity, notifications by sink and outcome, and the
// spool's pressure. Counters come from the daemon-wide engine, so they keep counting across
// reloads. Without an engine (--once) nothing is written.
#include <array>
#include <string>
#include <utility>

#include "alerts/alerts_view.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

constexpr FamilySpec kFiring{"pgvigil_alerts_firing", "Alerts firing now, by severity."};
constexpr FamilySpec kPending{"pgvigil_alerts_pending",
                              "Alerts whose condition holds but has not lasted its `for` yet, by severity."};
constexpr FamilySpec kNotifications = counter(
    "pgvigil_alert_notifications_total",
    "Notification deliveries by sink and outcome: delivered (2xx), rejected (4xx, dropped), retried (a failed "
    "attempt that will be repeated), dropped (pushed out of a full spool). An Alertmanager cluster counts once per URL.");
constexpr FamilySpec kQueueDepth{"pgvigil_alert_queue_depth", "Notification deliveries waiting in the spool."};
constexpr FamilySpec kDropped = counter(
    "pgvigil_alert_dropped_total",
    "Notification deliveries given up unsent: the oldest pushed out of a full spool, or left for a sink no longer "
    "configured.");
constexpr FamilySpec kSpoolBytes{"pgvigil_alert_spool_bytes",
                                 "What the undelivered notifications take in the spool (bounded by spool_max_bytes)."};
constexpr FamilySpec kSpoolMaxBytes{"pgvigil_alert_spool_max_bytes", "alerts.spool_max_bytes."};

constexpr alerts::AlertSeverity kSeverities[] = {alerts::AlertSeverity::info, alerts::AlertSeverity::warning,
                                                 alerts::AlertSeverity::critical};

}  // namespace

void write_alert_families(FamilyWriter& out, const health::Snapshot& snapshot) {
  const alerts::AlertsView* view = snapshot.alerts.get();
  if (view == nullptr) return;
  std::array<std::size_t, 3> pending{};
  for (const auto& alert : view->active) {
    if (alert.state != alerts::AlertState::pending) continue;
    const auto severity = alert.labels.find("severity");
    if (severity == alert.labels.end()) continue;
    if (auto parsed = alerts::parse_severity(severity->second)) ++pending[static_cast<std::size_t>(*parsed)];
  }
  for (const auto severity : kSeverities) {
    out.add(kFiring, {{"severity", std::string(to_string(severity))}},
            static_cast<double>(view->firing_count(severity)));
  }
  for (const auto severity : kSeverities) {
    out.add(kPending, {{"severity", std::string(to_string(severity))}},
            static_cast<double>(pending[static_cast<std::size_t>(severity)]));
  }
  for (const auto& sink : view->delivery.sinks) {
    const std::pair<const char*, std::uint64_t> outcomes[] = {
        {"delivered", sink.delivered}, {"rejected", sink.rejected}, {"retried", sink.retried}, {"dropped", sink.dropped}};
    for (const auto& [outcome, count] : outcomes) {
      out.add(kNotifications, {{"sink", sink.sink}, {"outcome", outcome}}, static_cast<double>(count));
    }
  }
  out.add(kQueueDepth, {}, static_cast<double>(view->delivery.queue_depth));
  out.add(kDropped, {}, static_cast<double>(view->delivery.dropped_total));
  out.add(kSpoolBytes, {}, static_cast<double>(view->delivery.spool_live_bytes));
  out.add(kSpoolMaxBytes, {}, static_cast<double>(view->spool_max_bytes));
}

}  // namespace pgvigil::metrics
