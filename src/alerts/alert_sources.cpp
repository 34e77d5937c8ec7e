#include "alerts/alert_sources.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "config/alert_names.h"

namespace pgvigil::alerts {
namespace {

AlertSeverity severity_of(health::Severity severity) {
  switch (severity) {
    case health::Severity::info: return AlertSeverity::info;
    case health::Severity::warning: return AlertSeverity::warning;
    case health::Severity::critical: return AlertSeverity::critical;
  }
  return AlertSeverity::warning;
}

std::string alert_name(config::AlertScope scope, std::string_view check) {
  if (const auto* spec = config::find_alert_name(scope, check)) return std::string(spec->name);
  return config::default_alert_name(check);
}

// The message first, as a person reads it; value and threshold after, for the numbers.
std::string describe(const health::Reason& reason) {
  std::string out = reason.message.empty() ? reason.check : reason.message;
  if (!reason.value.empty() && !reason.threshold.empty()) {
    out += fmt::format(" (value {}, threshold {})", reason.value, reason.threshold);
  } else if (!reason.value.empty()) {
    out += fmt::format(" (value {})", reason.value);
  }
  return out;
}

// Everything but labels and the one-line summary, which depend on where the alert comes from.
AlertCondition condition(std::string alertname, AlertSeverity severity, const std::string& cluster,
                         const AlertRuleSettings& settings) {
  AlertCondition out;
  out.labels["alertname"] = alertname;
  out.labels["severity"] = std::string(to_string(severity));
  if (!cluster.empty()) out.labels["cluster"] = cluster;
  if (auto runbook = runbook_url(settings, alertname); !runbook.empty()) out.annotations["runbook_url"] = runbook;
  out.for_cycles = for_cycles(settings, alertname, severity);
  out.cycle = cycle_of(settings, cluster);
  out.generator_url = generator_url(settings, cluster);
  return out;
}

// The `monitor` reason is info for the member (the server did nothing wrong) but a warning for
// whoever runs pgvigil: its verdicts are going stale for want of sessions or CPU.
AlertSeverity member_alert_severity(const health::Reason& reason) {
  return reason.check == "monitor" ? AlertSeverity::warning : severity_of(reason.severity);
}

AlertCondition member_condition(const std::string& cluster, const std::string& member, const health::Reason& reason,
                                const AlertRuleSettings& settings) {
  AlertCondition out = condition(alert_name(config::AlertScope::member, reason.check), member_alert_severity(reason),
                                 cluster, settings);
  out.labels["member"] = member;
  out.labels["check"] = reason.check;
  out.annotations["summary"] = fmt::format("{} on {}/{}{}{}", reason.check, cluster, member,
                                           reason.value.empty() ? "" : ": ", reason.value);
  out.annotations["description"] = describe(reason);
  return out;
}

AlertCondition cluster_condition(const std::string& cluster, const health::Reason& reason,
                                 const AlertRuleSettings& settings) {
  AlertCondition out = condition(alert_name(config::AlertScope::cluster, reason.check), severity_of(reason.severity),
                                 cluster, settings);
  out.labels["check"] = reason.check;
  // Several foreign members are several alerts: the member tells them apart.
  if (reason.check == "foreign_member" && !reason.value.empty()) out.labels["member"] = reason.value;
  out.annotations["summary"] = fmt::format("{} in cluster {}", reason.check, cluster);
  out.annotations["description"] = describe(reason);
  return out;
}

bool has_member_alert(const std::vector<AlertCondition>& conditions, const std::string& cluster,
                      const std::string& member, const std::string& check) {
  return std::ranges::any_of(conditions, [&](const AlertCondition& c) {
    auto label = [&](const char* key) {
      auto it = c.labels.find(key);
      return it == c.labels.end() ? std::string() : it->second;
    };
    return label("cluster") == cluster && label("member") == member && label("check") == check;
  });
}

// Two reasons of one check on one member at one severity (replication_lag: not streaming and
// behind) are one alert; both descriptions are kept.
std::vector<AlertCondition> merge_same_labels(std::vector<AlertCondition> conditions) {
  std::vector<AlertCondition> out;
  for (auto& c : conditions) {
    auto same = std::ranges::find(out, c.labels, &AlertCondition::labels);
    if (same == out.end()) {
      out.push_back(std::move(c));
      continue;
    }
    std::string& description = same->annotations["description"];
    const std::string& extra = c.annotations["description"];
    if (!extra.empty() && description != extra) description += description.empty() ? extra : "; " + extra;
  }
  return out;
}

}  // namespace

std::vector<AlertCondition> conditions_from(const health::Snapshot& snapshot, const AlertRuleSettings& settings) {
  std::vector<AlertCondition> out;
  for (const auto& shared : snapshot.clusters) {
    const health::ClusterSnapshot& cluster = *shared;
    std::vector<AlertCondition> members;
    for (const auto& member : cluster.members) {
      if (!member.checked) continue;
      for (const auto& reason : member.reasons) {
        members.push_back(member_condition(cluster.name, member.name, reason, settings));
      }
    }
    for (const auto& reason : cluster.reasons) {
      // The member's own, critical foreign_member alert already says it, more precisely.
      if (reason.check == "foreign_member" && has_member_alert(members, cluster.name, reason.value, reason.check)) {
        continue;
      }
      members.push_back(cluster_condition(cluster.name, reason, settings));
    }
    std::ranges::move(members, std::back_inserter(out));
  }
  return merge_same_labels(std::move(out));
}

std::vector<AlertCondition> conditions_from(const DaemonProblems& problems, const AlertRuleSettings& settings) {
  using config::AlertScope;
  std::vector<AlertCondition> out;
  if (problems.reload_failed) {
    AlertCondition c = condition(alert_name(AlertScope::daemon, "reload_failed"), AlertSeverity::warning, "", settings);
    c.annotations["summary"] = "configuration reload failed";
    c.annotations["description"] = "The last configuration reload failed; the daemon keeps running on the previous "
                                   "configuration until a reload succeeds.";
    if (!problems.reload_error.empty()) c.annotations["description"] += " " + problems.reload_error;
    out.push_back(std::move(c));
  }
  for (const auto& [cluster, member] : problems.cycle_overruns) {
    AlertCondition c = condition(alert_name(AlertScope::daemon, "cycle_overrun"), AlertSeverity::warning, cluster,
                                 settings);
    c.labels["member"] = member;
    c.annotations["summary"] = fmt::format("health cycles of {}/{} overrun their interval", cluster, member);
    c.annotations["description"] = fmt::format(
        "The last health cycle of {}/{} took longer than health.interval, so its health is older than promised; "
        "the server answers slowly or the checks are too heavy for the interval.",
        cluster, member);
    out.push_back(std::move(c));
  }
  if (problems.spool_pressure) {
    AlertCondition c =
        condition(alert_name(AlertScope::daemon, "spool_pressure"), AlertSeverity::warning, "", settings);
    const double percent = std::round(problems.spool_fill_ratio * 100);
    c.annotations["summary"] = fmt::format("alert spool {:.0f}% full", percent);
    c.annotations["description"] = fmt::format(
        "Undelivered notifications fill {:.0f}% of alerts.spool_max_bytes; a sink is failing or slow, and when the "
        "spool is full the oldest notifications are dropped.",
        percent);
    out.push_back(std::move(c));
  }
  return merge_same_labels(std::move(out));
}

}  // namespace pgvigil::alerts
