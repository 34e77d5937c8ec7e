// The vocabulary of alerts: what is true now (AlertCondition), one alert as sent (Notice) and a
// batch of them for one sink (Notification). Plain values, safe to copy between threads.
//
// An alert's identity is its label set: two conditions with the same labels are the same alert,
// whatever their annotations say, so a description that changes with the observed value never
// makes a new alert. Labels are a sorted map, so the fingerprint does not depend on the order
// in which they were added.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/duration.h"
#include "util/clock.h"

namespace pgvigil::alerts {

using Duration = config::Duration;
using Labels = std::map<std::string, std::string>;
using Annotations = std::map<std::string, std::string>;

// Ordered: a worse severity compares greater.
enum class AlertSeverity { info, warning, critical };
std::string_view to_string(AlertSeverity severity);  // "info" | "warning" | "critical", as in the config
std::optional<AlertSeverity> parse_severity(std::string_view text);

// A state holds as long as its condition is reported; an event happened once (a session was
// cancelled) and is notified once, never pending, never re-sent, never resolved.
enum class ConditionKind { state, event };

// What is true now, as reported by alert_sources.h. Labels always hold alertname and severity;
// cluster and member when the alert is about one; check-specific ones such as `check`.
struct AlertCondition {
  ConditionKind kind = ConditionKind::state;
  Labels labels{};
  Annotations annotations{};  // summary, description, runbook_url (when configured)
  int for_cycles = 1;         // cycles the condition must hold before it fires; 1 = at once
  Duration cycle{};           // the cluster's health interval, the unit of for_cycles
  std::string generator_url{};  // where a person sees what the alert is about
  std::optional<WallTime> at{};  // events: when it happened (the audit record's time)
};

// The 64-bit FNV-1a hash of every "key\xffvalue\xff" in key order, as 16 lowercase hex digits.
// 0xff never occurs in UTF-8, so no two label sets hash the same bytes. Stable across runs
// and versions: the spool and Alertmanager see the same fingerprint after a restart.
std::string fingerprint(const Labels& labels);

enum class NoticeStatus { firing, resolved };
std::string_view to_string(NoticeStatus status);  // "firing" | "resolved"

// One alert as handed to the sinks.
struct Notice {
  Labels labels{};
  Annotations annotations{};
  std::string fingerprint{};
  NoticeStatus status = NoticeStatus::firing;
  WallTime starts_at{};               // when it began to fire
  std::optional<WallTime> ends_at{};  // firing: when Alertmanager may expire it; resolved: when it ended
  std::string generator_url{};
};

// Alerts that go out together to one sink.
struct Notification {
  NoticeStatus status = NoticeStatus::resolved;  // firing when any alert is firing
  std::vector<Notice> alerts{};
  Labels group_labels{};     // what the alerts were grouped by
  std::string external_url{};  // the daemon's own address, for receivers that link back
};

// The labels every alert of `notices` carries with the same value; empty when there are none.
Labels common_labels(const std::vector<Notice>& notices);
Annotations common_annotations(const std::vector<Notice>& notices);

// A notification of `alerts`, its status derived from theirs and grouped by cluster when they
// share one (daemon-wide alerts have none).
Notification make_notification(std::vector<Notice> alerts, std::string external_url = {});

}  // namespace pgvigil::alerts
