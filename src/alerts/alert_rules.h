// The settings the alert sources need from the config, gathered once per config load: where
// links point, how long conditions wait before they fire, and each cluster's health interval
// (the unit of those waits). Plain values; rule_settings() is pure.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "alerts/alert.h"
#include "config/config.h"

namespace pgvigil::alerts {

struct AlertRuleSettings {
  std::string runbook_base_url{};  // runbook_url = base + alertname; empty = no runbook links
  std::string external_url{};      // http.external_url; empty = built from listen
  std::string listen = "127.0.0.1:9188";  // http.listen
  bool https = false;              // http.tls set: links use https://
  config::AlertForConfig for_by_severity{};
  std::map<std::string, int> for_by_alertname{};   // alerts.rules.<name>.for
  std::map<std::string, Duration> cycle_by_cluster{};  // clusters[].health.interval
  Duration default_cycle = std::chrono::seconds(5);  // daemon-wide alerts, unknown clusters
  Duration resend_interval = std::chrono::minutes(1);  // events' endsAt
};

AlertRuleSettings rule_settings(const config::Config& config);

// Cycles `alertname` of `severity` must hold: its rule's `for`, else the severity's.
int for_cycles(const AlertRuleSettings& settings, std::string_view alertname, AlertSeverity severity);

// The health interval of `cluster`; default_cycle for "" or a cluster not configured.
Duration cycle_of(const AlertRuleSettings& settings, std::string_view cluster);

// The daemon's base URL without a trailing slash: external_url when set, else
// http(s)://<listen>.
std::string base_url(const AlertRuleSettings& settings);

// Where a person sees a cluster's health: <base>/clusters/<cluster> (GET /clusters/{c}); the
// daemon's /health for daemon-wide alerts (cluster "").
std::string generator_url(const AlertRuleSettings& settings, std::string_view cluster);

// base + alertname, or "" when no base is configured.
std::string runbook_url(const AlertRuleSettings& settings, std::string_view alertname);

}  // namespace pgvigil::alerts
