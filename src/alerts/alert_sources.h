// Where alerts come from: what the health snapshot, the daemon's own state and the canceller's
// audit records say is wrong, as AlertConditions for the AlertBook (alert_book.h). Pure: no
// clock, no I/O; any thread.
//
// Names come from config/alert_names.h. Labels:
//   member reasons   alertname, severity, cluster, member, check
//   cluster reasons  alertname, severity, cluster, check (foreign_member also names the member)
//   daemon problems  alertname, severity, and cluster/member where there is one
//   canceller events alertname, severity (info in dry_run, warning in enforce), cluster, member,
//                    action, mode, reason, pid
// Annotations: summary (one line), description (the reason's message with value and threshold),
// runbook_url (when alerts.runbook_base_url is set); events also user, database, application,
// duration, query and signal.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.h"
#include "alerts/alert_rules.h"
#include "health/snapshot.h"
#include "queries/action_record.h"

namespace pgvigil::alerts {

// Trouble of the daemon itself, which no snapshot reason carries; filled by the daemon.
struct DaemonProblems {
  bool reload_failed = false;
  std::string reload_error{};  // why, for the description; may be empty
  std::vector<std::pair<std::string, std::string>> cycle_overruns{};  // (cluster, member) whose last cycle overran
  bool spool_pressure = false;
  double spool_fill_ratio = 0;  // used / spool_max_bytes
};

// One condition per health reason of every member that has finished a first cycle (a member
// not yet checked only says "never checked", which is no news), and per cluster reason.
// Reasons that would make the same alert (same labels) become one, their descriptions joined.
std::vector<AlertCondition> conditions_from(const health::Snapshot& snapshot, const AlertRuleSettings& settings);

std::vector<AlertCondition> conditions_from(const DaemonProblems& problems, const AlertRuleSettings& settings);

// An attempt of the canceller (cancel or terminate, dry_run or enforce) as a one-shot event;
// nullopt for a skip (a protected session left alone is no news to a person on call).
std::optional<AlertCondition> event_from(const queries::ActionRecord& record, const AlertRuleSettings& settings);

}  // namespace pgvigil::alerts
