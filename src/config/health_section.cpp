// clusters[].health: the schedule, the flap damping and each check's settings, typed by the
// check table (check_table.h).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "config/check_table.h"
#include "config/sections.h"
#include "config/value_rules.h"

namespace pgvigil::config {
namespace {

// Thresholds are stored as seconds, fractions or bytes (see CheckConfig).
std::optional<double> read_threshold(StrictMap& map, std::string_view key, ThresholdKind kind) {
  auto field = map.take(key);
  if (!field) return std::nullopt;
  LoadContext& ctx = map.context();
  switch (kind) {
    case ThresholdKind::duration: {
      auto value = read_duration(*field, ctx, Duration(0));
      if (!value) return std::nullopt;
      return static_cast<double>(value->count()) / 1000.0;
    }
    case ThresholdKind::ratio: return read_number(*field, ctx, 0.0, 1.0);
    case ThresholdKind::bytes: {
      auto value = read_size(*field, ctx, 0);
      if (!value) return std::nullopt;
      return static_cast<double>(*value);
    }
    case ThresholdKind::none: break;
  }
  return std::nullopt;
}

std::string format_threshold(double value, ThresholdKind kind) {
  switch (kind) {
    case ThresholdKind::duration: return format_duration(Duration(std::llround(value * 1000.0)));
    case ThresholdKind::bytes: return format_size(static_cast<std::uint64_t>(value));
    case ThresholdKind::ratio:
    case ThresholdKind::none: break;
  }
  return fmt::format("{}", value);
}

// Reads a warning/critical pair over the check's defaults and insists that warning comes first
// in the check's direction; a pair the other way round would never warn before it pages.
void read_threshold_pair(StrictMap& map, const CheckSpec& spec, ThresholdKind kind, std::string_view warning_key,
                         std::string_view critical_key, std::optional<double>& warning,
                         std::optional<double>& critical) {
  const bool warning_written = map.contains(warning_key);
  const bool critical_written = map.contains(critical_key);
  auto new_warning = read_threshold(map, warning_key, kind);
  auto new_critical = read_threshold(map, critical_key, kind);
  if ((warning_written && !new_warning) || (critical_written && !new_critical)) return;  // already reported
  if (new_warning) warning = new_warning;
  if (new_critical) critical = new_critical;
  if (!warning || !critical) return;
  const bool wrong_way = spec.direction == Direction::higher_is_worse ? *warning > *critical : *warning < *critical;
  if (!wrong_way) return;
  const std::string_view key = warning_written ? warning_key : critical_key;
  const char* direction = spec.direction == Direction::higher_is_worse ? "higher" : "lower";
  auto describe = [&](std::string_view name, double value, bool written) {
    return fmt::format("{} {}{}", name, format_threshold(value, kind), written ? "" : " (default)");
  };
  map.context().diag.error(map.line_of(key), map.path_of(key),
                           fmt::format("{} is worse than {}: for {} {} values are worse",
                                       describe(warning_key, *warning, warning_written),
                                       describe(critical_key, *critical, critical_written), spec.name, direction));
}

void load_check(const Field& field, const CheckSpec& spec, LoadContext& ctx, CheckConfig& out) {
  StrictMap map(field, ctx);
  map.read("enabled", out.enabled);
  if (spec.kind != ThresholdKind::none) {
    read_threshold_pair(map, spec, spec.kind, "warning", "critical", out.warning, out.critical);
  }
  if (spec.has_byte_thresholds) {
    read_threshold_pair(map, spec, ThresholdKind::bytes, "warning_bytes", "critical_bytes", out.warning_bytes,
                        out.critical_bytes);
  }
  if (spec.has_table) {
    std::string table;
    if (map.read("table", table)) {
      if (is_relation_name(table)) {
        out.table = std::move(table);
      } else {
        ctx.diag.error(map.line_of("table"), map.path_of("table"),
                       "invalid table name '" + table + "': expected name or schema.name (letters, digits, _)");
      }
    }
  }
  map.reject_unknown_keys();
}

void load_checks(const Field& field, LoadContext& ctx, std::map<std::string, CheckConfig>& checks) {
  StrictMap map(field, ctx);
  // Going through the table (not the file) makes every check name a known key for the hints.
  for (const auto& spec : check_specs()) {
    if (auto check = map.take(spec.name)) load_check(*check, spec, ctx, checks[std::string(spec.name)]);
  }
  map.reject_unknown_keys();
}

}  // namespace

void load_health(const Field& field, LoadContext& ctx, HealthConfig& out) {
  StrictMap map(field, ctx);
  map.read("interval", out.interval, kPositive);
  map.read("query_timeout", out.query_timeout, kPositive);
  map.read("fail_after", out.fail_after, 1, 1000);
  map.read("recover_after", out.recover_after, 1, 1000);
  map.read("slow_checks_interval", out.slow_checks_interval, kPositive);
  if (auto checks = map.take("checks")) load_checks(*checks, ctx, out.checks);
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
