// The alert state machine: which alerts are pending or firing, since when, and when each was
// last sent. Pure: the caller passes `now` (one cached wall time per pass) and gets back the
// notices to hand to the sinks. Not thread-safe: one owner (the alert worker) calls it; readers
// such as GET /alerts get a copy of active().
//
// Lifecycle, per fingerprint (alert.h):
//   - a new condition is pending since `now`;
//   - it fires once it has been present at every evaluate() for (for_cycles - 1) × cycle,
//     less a tenth of a cycle (evaluations drift a little against the health cycle, and a
//     sighting 4 ms early must not cost a whole cycle); for_cycles 1 fires on first sight;
//   - a pending condition missing from an evaluate() leaves silently: if it returns it starts
//     over, so a flapping condition never fires;
//   - a firing condition missing from an evaluate() is notified resolved (ends_at = now) and
//     leaves;
//   - events fire once, with ends_at = at + 3 × resend_interval, and are not kept.
// Firing notices carry ends_at = now + 3 × resend_interval: Alertmanager expires an alert the
// daemon stops re-sending (a crash), and re-sending every resend_interval keeps it alive.
// Labels decide identity; annotations and links are refreshed from the latest condition.
//
// Sending: evaluate() and due_resends() only say what to send. The caller calls mark_sent() for
// every firing notice it queued; a firing alert never marked is due at the next due_resends(),
// so call evaluate(), mark_sent() for its notices, then due_resends().
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"

namespace pgvigil::alerts {

enum class AlertState { pending, firing };
std::string_view to_string(AlertState state);  // "pending" | "firing"

// One alert of the book, for GET /alerts.
struct ActiveAlert {
  std::string fingerprint{};
  Labels labels{};
  Annotations annotations{};
  std::string generator_url{};
  AlertState state = AlertState::pending;
  WallTime since{};                      // first seen (pending since)
  std::optional<WallTime> firing_since{};  // when it fired
  std::optional<WallTime> last_sent{};
};

class AlertBook {
 public:
  explicit AlertBook(Duration resend_interval = std::chrono::minutes(1));

  // A reload may change it; it applies to notices built from then on.
  void set_resend_interval(Duration resend_interval) { resend_interval_ = resend_interval; }
  Duration resend_interval() const { return resend_interval_; }

  // `conditions` are everything true now (states and new events). Returns the notices to send:
  // newly firing alerts, events and resolved alerts, in that order.
  std::vector<Notice> evaluate(const std::vector<AlertCondition>& conditions, WallTime now);

  // Firing alerts not sent for resend_interval or more (or never), as firing notices with
  // ends_at = now + 3 × resend_interval. Also updates the book's resend interval.
  std::vector<Notice> due_resends(WallTime now, Duration resend_interval);
  std::vector<Notice> due_resends(WallTime now) { return due_resends(now, resend_interval_); }

  // The firing alert `fingerprint` was queued for the sinks at `now`; unknown ones are ignored.
  void mark_sent(std::string_view fingerprint, WallTime now);

  // Pending and firing alerts, ordered by fingerprint.
  std::vector<ActiveAlert> active() const;
  std::size_t firing_count(AlertSeverity severity) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    AlertCondition condition{};  // the latest
    AlertSeverity severity = AlertSeverity::warning;
    WallTime since{};
    std::optional<WallTime> firing_since{};
    std::optional<WallTime> last_sent{};
  };

  Notice firing_notice(const std::string& fingerprint, const Entry& entry, WallTime now) const;
  bool due_to_fire(const Entry& entry, WallTime now) const;

  Duration resend_interval_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace pgvigil::alerts
