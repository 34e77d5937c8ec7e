#include "alerts/alert_rules.h"

namespace pgvigil::alerts {

AlertRuleSettings rule_settings(const config::Config& config) {
  AlertRuleSettings out;
  out.runbook_base_url = config.alerts.runbook_base_url;
  out.external_url = config.http.external_url;
  out.listen = config.http.listen;
  out.https = !config.http.tls.cert_file.empty() && !config.http.tls.key_file.empty();
  out.for_by_severity = config.alerts.for_cycles;
  for (const auto& [name, rule] : config.alerts.rules) out.for_by_alertname.emplace(name, rule.for_cycles);
  for (const auto& cluster : config.clusters) out.cycle_by_cluster.emplace(cluster.name, cluster.health.interval);
  out.resend_interval = config.alerts.resend_interval;
  return out;
}

int for_cycles(const AlertRuleSettings& settings, std::string_view alertname, AlertSeverity severity) {
  if (auto it = settings.for_by_alertname.find(std::string(alertname)); it != settings.for_by_alertname.end()) {
    return it->second;
  }
  switch (severity) {
    case AlertSeverity::critical: return settings.for_by_severity.critical;
    case AlertSeverity::warning: return settings.for_by_severity.warning;
    case AlertSeverity::info: break;
  }
  return settings.for_by_severity.info;
}

Duration cycle_of(const AlertRuleSettings& settings, std::string_view cluster) {
  auto it = settings.cycle_by_cluster.find(std::string(cluster));
  return it == settings.cycle_by_cluster.end() ? settings.default_cycle : it->second;
}

std::string base_url(const AlertRuleSettings& settings) {
  std::string base = settings.external_url.empty()
                         ? std::string(settings.https ? "https://" : "http://") + settings.listen
                         : settings.external_url;
  while (base.ends_with('/')) base.pop_back();
  return base;
}

std::string generator_url(const AlertRuleSettings& settings, std::string_view cluster) {
  if (cluster.empty()) return base_url(settings) + "/health";
  return base_url(settings) + "/clusters/" + std::string(cluster);
}

std::string runbook_url(const AlertRuleSettings& settings, std::string_view alertname) {
  if (settings.runbook_base_url.empty()) return {};
  return settings.runbook_base_url + std::string(alertname);
}

}  // namespace pgvigil::alerts
