// The daemon's command line. Pure parsing; no side effects.
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>

namespace pgvigil::app {

enum class Command { run, check_config, once, version, help };

struct Options {
  Command command = Command::run;
  std::string config_path;
  std::optional<std::string> log_level;  // overrides daemon.log.level
};

std::expected<Options, std::string> parse_options(std::span<const char* const> args);

std::string usage();

// Exit codes (sysexits.h where one fits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitConfig = 78;
inline constexpr int kExitOnceError = 3;  // --once: unknown, including a bad config

}  // namespace pgvigil::app
