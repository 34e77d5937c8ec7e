// Shared by the checks: comparing a value with a check's thresholds, and writing values the way
// a person reads them. Pure.
#pragma once

#include <optional>
#include <string>

#include "config/check_table.h"
#include "config/config.h"
#include "health/status.h"

namespace pgvigil::health {

// The severity `value` reaches against warning/critical (critical first); nullopt when fine.
std::optional<Severity> judge(double value, std::optional<double> warning, std::optional<double> critical,
                              config::Direction direction = config::Direction::higher_is_worse);

std::optional<double> threshold_for(Severity severity, std::optional<double> warning, std::optional<double> critical);

std::string format_seconds(double seconds);  // "850ms", "14.2s", "5.0m", "2.1h"
std::string format_ratio(double ratio);      // "81%"
std::string format_bytes(double bytes);      // "1.5GB"

// Adds a reason when `value` crosses a threshold; `format` renders both value and threshold.
void judge_into(Evaluation& out, std::string_view check, double value, std::optional<double> warning,
                std::optional<double> critical, std::string (*format)(double), const std::string& what,
                const std::string& recommendation,
                config::Direction direction = config::Direction::higher_is_worse);

}  // namespace pgvigil::health
