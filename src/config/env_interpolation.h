// ${VAR} substitution in config values, so that secrets and per-host settings can come from the
// environment. "$$" is a literal "$"; a "$" followed by anything else is kept as written, so
// regular expressions ending in "$" need no escaping. Pure; safe from any thread as long as
// nobody calls setenv() concurrently with the default lookup.
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pgvigil::config {

// Returns the variable's value, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup process_environment();

// The error names the offending variable (or the malformed reference), never its value.
std::expected<std::string, std::string> interpolate_env(std::string_view text, const EnvLookup& lookup);

}  // namespace pgvigil::config
