// Parsing and printing of the config file's durations ("500ms", "5s", "2m", "1h") and
// sizes ("16MB", "1GB", binary multiples). Pure functions, safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgvigil::config {

using Duration = std::chrono::milliseconds;

// Accepts an integer or decimal followed by a unit: ms, s, m, h, d. A bare number is an error:
// nothing in the file is silently read in an assumed unit.
std::optional<Duration> parse_duration(std::string_view text);

// Accepts an integer or decimal followed by B, kB/KB, MB, GB, TB (1024-based, as PostgreSQL does).
std::optional<std::uint64_t> parse_size(std::string_view text);

// The shortest exact spelling of a duration ("1500ms", "5s", "2m", "1h").
std::string format_duration(Duration d);

// A size rounded for people ("16MB", "1.5GB").
std::string format_size(std::uint64_t bytes);

}  // namespace pgvigil::config
