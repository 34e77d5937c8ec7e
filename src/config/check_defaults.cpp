#include "config/check_defaults.h"

namespace pgvigil::config {

CheckConfig default_check_config(const CheckSpec& spec) {
  CheckConfig check;
  check.enabled = spec.enabled_by_default;
  check.warning = spec.warning;
  check.critical = spec.critical;
  if (spec.has_byte_thresholds) {
    check.warning_bytes = spec.warning_bytes;
    check.critical_bytes = spec.critical_bytes;
  }
  if (spec.has_table) check.table = std::string(kDefaultHeartbeatTable);
  return check;
}

std::map<std::string, CheckConfig> default_check_configs() {
  std::map<std::string, CheckConfig> checks;
  for (const auto& spec : check_specs()) checks.emplace(std::string(spec.name), default_check_config(spec));
  return checks;
}

}  // namespace pgvigil::config
