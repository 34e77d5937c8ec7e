// Loads and validates a YAML config. Every problem is reported, not just the first, as
// "file:line: key.path: message" with 1-based lines. Safe to call from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace pgvigil::config {

struct ConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem has no line (e.g. missing file)
  std::string key;  // dotted path, e.g. clusters[0].pool.max
  std::string message;
  std::string to_string() const;  // "file:line: key: message"
};

struct LoadResult {
  Config config;
  std::vector<std::string> warnings;  // e.g. an inline password in a conninfo
};

using LoadOutcome = std::expected<LoadResult, std::vector<ConfigError>>;

LoadOutcome load_config_file(const std::string& path);
LoadOutcome load_config_string(std::string_view yaml, const std::string& source_name);

}  // namespace pgvigil::config
