// The alerts the daemon raises, one row each: the list alerts.rules is checked against (so a
// typo in an override is an error, not an override that never applies) and the table the alert
// engine (alerts/alert_sources.cpp) takes its alert names from. Pure; any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace pgvigil::config {

enum class AlertScope {
  member,   // one member's health reason; labelled cluster and member
  cluster,  // a cluster's own reason (no_primary, split_brain, ...); labelled cluster
  daemon,   // the daemon's own trouble (reload, overruns, spool)
  event,    // one canceller action, notified once
};

struct AlertNameSpec {
  std::string_view name;   // the alertname label, "Pgvigil" + CamelCase
  std::string_view check;  // the health reason's check, or what the row stands for
  AlertScope scope;
};

std::span<const AlertNameSpec> alert_name_specs();

// The row for a reason of `check` in `scope`; null for a check the table does not know (a newer
// check), which is then named by default_alert_name().
const AlertNameSpec* find_alert_name(AlertScope scope, std::string_view check);

// "Pgvigil" + CamelCase(check): replication_lag → PgvigilReplicationLag.
std::string default_alert_name(std::string_view check);

bool is_known_alert_name(std::string_view name);

}  // namespace pgvigil::config
