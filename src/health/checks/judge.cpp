#include "health/checks/judge.h"

#include <fmt/format.h>

#include <cmath>

namespace pgvigil::health {

std::optional<Severity> judge(double value, std::optional<double> warning, std::optional<double> critical,
                              config::Direction direction) {
  const auto crosses = [&](std::optional<double> limit) {
    if (!limit) return false;
    return direction == config::Direction::higher_is_worse ? value >= *limit : value < *limit;
  };
  if (crosses(critical)) return Severity::critical;
  if (crosses(warning)) return Severity::warning;
  return std::nullopt;
}

std::optional<double> threshold_for(Severity severity, std::optional<double> warning, std::optional<double> critical) {
  return severity == Severity::critical ? critical : warning;
}

std::string format_seconds(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f}ms", seconds * 1000);
  if (seconds < 120) return fmt::format("{:.1f}s", seconds);
  if (seconds < 7200) return fmt::format("{:.1f}m", seconds / 60);
  return fmt::format("{:.1f}h", seconds / 3600);
}

std::string format_ratio(double ratio) { return fmt::format("{:.0f}%", ratio * 100); }

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (std::fabs(bytes) >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f}B", bytes) : fmt::format("{:.1f}{}", bytes, units[unit]);
}

void judge_into(Evaluation& out, std::string_view check, double value, std::optional<double> warning,
                std::optional<double> critical, std::string (*format)(double), const std::string& what,
                const std::string& recommendation, config::Direction direction) {
  const auto severity = judge(value, warning, critical, direction);
  if (!severity) return;
  const double limit = *threshold_for(*severity, warning, critical);
  const char* relation = direction == config::Direction::higher_is_worse ? "at or above" : "below";
  out.add(Reason{std::string(check), *severity, format(value), format(limit),
                 fmt::format("{} is {}, {} the {} threshold of {}", what, format(value), relation,
                             to_string(*severity), format(limit)),
                 value},
          recommendation);
}

}  // namespace pgvigil::health
