// Process-wide logging to stderr (journald picks it up), as text or as one JSON object a line.
// Call configure_logging() from the main thread before workers start; reconfiguring on reload is
// safe while other threads log (spdlog loggers are thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "config/config.h"

namespace pgvigil {

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

void configure_logging(config::LogFormat format, spdlog::level::level_enum level);

// Escapes a string for use inside a JSON string literal.
std::string json_escape(std::string_view text);

}  // namespace pgvigil
