#include "http/lag_limits.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "config/duration.h"

namespace pgvigil::http {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) { return !text.empty() && std::ranges::all_of(text, is_digit); }

// digits[.digits] and nothing else: no sign, exponent, "inf" or "nan", which from_chars would take.
bool is_plain_decimal(std::string_view text) {
  const auto point = text.find('.');
  if (point == std::string_view::npos) return all_digits(text);
  return all_digits(text.substr(0, point)) && all_digits(text.substr(point + 1));
}

}  // namespace

std::expected<double, std::string> parse_max_lag_bytes(std::string_view text) {
  const std::string problem = "max_lag must be a size such as 16MB or a number of bytes, not \"" +
                              std::string(text) + "\"";
  if (all_digits(text)) {
    std::uint64_t bytes = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bytes);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::unexpected(problem);
    return static_cast<double>(bytes);
  }
  if (auto bytes = config::parse_size(text)) return static_cast<double>(*bytes);
  return std::unexpected(problem);
}

std::expected<double, std::string> parse_max_lag_seconds(std::string_view text) {
  const std::string problem = "max_lag_s must be a number of seconds such as 10 or a duration such as 10s, not \"" +
                              std::string(text) + "\"";
  if (is_plain_decimal(text)) {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::unexpected(problem);
    return seconds;
  }
  if (auto duration = config::parse_duration(text)) {
    return std::chrono::duration<double>(*duration).count();
  }
  return std::unexpected(problem);
}

std::expected<LagLimits, std::string> lag_limits_from_query(const std::map<std::string, std::string>& query,
                                                            LagLimits defaults) {
  LagLimits limits = defaults;
  if (auto it = query.find("max_lag"); it != query.end()) {
    auto bytes = parse_max_lag_bytes(it->second);
    if (!bytes) return std::unexpected(bytes.error());
    limits.max_bytes = *bytes;
  }
  if (auto it = query.find("max_lag_s"); it != query.end()) {
    auto seconds = parse_max_lag_seconds(it->second);
    if (!seconds) return std::unexpected(seconds.error());
    limits.max_seconds = *seconds;
  }
  return limits;
}

}  // namespace pgvigil::http
