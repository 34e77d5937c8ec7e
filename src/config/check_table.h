// The explicit table of health checks the config knows about: each check's name, the unit of
// its thresholds and its defaults. One row per check; the loader validates against it and the
// HealthMonitor takes its list of checks from it.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace pgvigil::config {

enum class ThresholdKind {
  none,      // no thresholds (e.g. role: only split brain, which is always critical)
  duration,  // seconds; written as "5s", "2m"
  ratio,     // a fraction 0..1; written as 0.75
  bytes,     // written as "16MB"
};

// Direction of a threshold: most checks are bad when the value rises; cache_hit when it falls.
enum class Direction { higher_is_worse, lower_is_worse };

struct CheckSpec {
  std::string_view name;
  ThresholdKind kind;
  Direction direction;
  bool enabled_by_default;
  std::optional<double> warning;
  std::optional<double> critical;
  bool has_byte_thresholds;  // replication_lag: warning_bytes / critical_bytes too
  std::optional<double> warning_bytes;
  std::optional<double> critical_bytes;
  bool has_table;            // write_probe: the heartbeat table
  bool costly;               // runs every slow_checks_interval instead of every interval
};

std::span<const CheckSpec> check_specs();
const CheckSpec* find_check_spec(std::string_view name);

}  // namespace pgvigil::config
