// event_from() (declared in alert_sources.h): the canceller's attempts as one-shot alerts.
#include <fmt/format.h>

#include "alerts/alert_sources.h"
#include "config/alert_names.h"
#include "health/checks/judge.h"

namespace pgvigil::alerts {
namespace {

std::string signal_text(const queries::ActionRecord& record) {
  const auto& signal = record.signal;
  if (!signal.executed) {
    if (!signal.error.empty()) return "failed: " + signal.error;
    return record.decision.mode == config::CancelMode::dry_run ? "not sent (dry run)" : "not sent";
  }
  if (queries::signal_succeeded(record)) return "sent";
  if (!signal.error.empty()) return "failed: " + signal.error;
  return "not delivered (the backend was gone)";
}

}  // namespace

std::optional<AlertCondition> event_from(const queries::ActionRecord& record, const AlertRuleSettings& settings) {
  const queries::CancelDecision& d = record.decision;
  if (!queries::is_attempt(d)) return std::nullopt;
  const bool terminate = d.action == queries::CancelAction::terminate;
  const auto* spec = config::find_alert_name(config::AlertScope::event, terminate ? "terminate" : "cancel");
  const std::string alertname(spec->name);
  const bool dry_run = d.mode != config::CancelMode::enforce;
  // A dry run changed nothing on the server: worth knowing, not worth a page.
  const AlertSeverity severity = dry_run ? AlertSeverity::info : AlertSeverity::warning;

  AlertCondition out;
  out.kind = ConditionKind::event;
  out.at = record.at;
  out.for_cycles = 1;
  out.cycle = cycle_of(settings, record.cluster);
  out.generator_url = base_url(settings) + "/actions";
  out.labels = {{"alertname", alertname},
                {"severity", std::string(to_string(severity))},
                {"cluster", record.cluster},
                {"member", record.member},
                {"action", std::string(queries::to_string(d.action))},
                {"mode", std::string(queries::to_string(d.mode))},
                {"reason", std::string(queries::to_string(d.reason))},
                {"pid", std::to_string(d.session.pid)}};

  const auto& s = d.session;
  const std::string duration = health::format_seconds(s.duration_seconds);
  const std::string verb = terminate ? "terminate" : "cancel";
  out.annotations["summary"] = fmt::format("{}{} pid {} on {}/{} ({})", dry_run ? "dry run: would " : "",
                                           dry_run ? verb : (terminate ? "terminated" : "cancelled"), s.pid,
                                           record.cluster, record.member, queries::to_string(d.reason));
  out.annotations["description"] = fmt::format(
      "{} of user {} on database {} (application '{}') passed {} after {}; signal: {}.",
      terminate ? "The session" : "The query", s.user, s.database, s.application, queries::to_string(d.reason),
      duration, signal_text(record));
  out.annotations["user"] = s.user;
  out.annotations["database"] = s.database;
  out.annotations["application"] = s.application;
  out.annotations["duration"] = duration;
  out.annotations["query"] = s.query_truncated ? s.query + "…" : s.query;
  out.annotations["signal"] = signal_text(record);
  if (auto runbook = runbook_url(settings, alertname); !runbook.empty()) out.annotations["runbook_url"] = runbook;
  return out;
}

}  // namespace pgvigil::alerts
