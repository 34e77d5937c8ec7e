// Typed, strict reading of single YAML values for the config loader: each reader either returns
// the value or records an error at the value's line and key path and returns nullopt. Strings
// get ${VAR} interpolation. Only config loading includes yaml-cpp. Not thread-safe: one
// LoadContext per load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/duration.h"
#include "config/env_interpolation.h"

namespace pgvigil::config {

struct LoadContext {
  Diagnostics& diag;
  EnvLookup env;
};

// A value found in the file and where: its key path and 1-based line.
struct Field {
  YAML::Node node;
  std::string path;
  int line = 0;
};

// 1-based line of a node, or `fallback` when yaml-cpp has none (e.g. an empty value, whose
// mark points at the line after its key).
int line_of(const YAML::Node& node, int fallback);

// "a map", "a list", "a value", "nothing": for "expected X, found Y" messages.
std::string describe_kind(const YAML::Node& node);

// The items of a list, each with its path (path[i]) and line. Errors if `field` is not a list.
std::optional<std::vector<Field>> read_list(const Field& field, LoadContext& ctx);

std::optional<std::string> read_string(const Field& field, LoadContext& ctx);
std::optional<bool> read_bool(const Field& field, LoadContext& ctx);
std::optional<std::int64_t> read_integer(const Field& field, LoadContext& ctx, std::int64_t min, std::int64_t max);
std::optional<double> read_number(const Field& field, LoadContext& ctx, double min, double max);
// Pass as `min` when any duration above zero will do.
inline constexpr Duration kPositive{1};
std::optional<Duration> read_duration(const Field& field, LoadContext& ctx, Duration min);
std::optional<std::uint64_t> read_size(const Field& field, LoadContext& ctx, std::uint64_t min);
std::optional<std::vector<std::string>> read_string_list(const Field& field, LoadContext& ctx);

}  // namespace pgvigil::config
