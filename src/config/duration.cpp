#include "config/duration.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace pgvigil::config {
namespace {

// A non-negative decimal split exactly into its integer part and its fraction digits,
// so that "1.5s" can become 1500ms without a trip through floating point.
struct Decimal {
  std::uint64_t whole = 0;
  std::uint64_t fraction = 0;      // the digits after the point, trailing zeros removed
  std::uint64_t fraction_div = 1;  // 10^(number of those digits)
};

// Splits "12.5MB" into the number and the unit. Only digits[.digits] is a number: no sign,
// no exponent, no whitespace, so "-5s", "1e3ms" and "5 s" are all rejected.
std::optional<std::pair<Decimal, std::string_view>> split_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  Decimal number;
  if (std::from_chars(text.data(), text.data() + i, number.whole).ec != std::errc{}) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start) return std::nullopt;
    std::string_view digits = text.substr(start, i - start);
    while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
    // More significant digits than this cannot name a whole number of milliseconds or bytes.
    if (digits.size() > 18) return std::nullopt;
    for (char c : digits) {
      number.fraction = number.fraction * 10 + static_cast<std::uint64_t>(c - '0');
      number.fraction_div *= 10;
    }
  }
  return std::pair{number, text.substr(i)};
}

// number × unit, only when the result is a whole count that fits in `limit`.
std::optional<std::uint64_t> scale(const Decimal& number, std::uint64_t unit, std::uint64_t limit) {
  std::uint64_t whole = 0;
  if (__builtin_mul_overflow(number.whole, unit, &whole)) return std::nullopt;
  std::uint64_t fraction = 0;
  if (__builtin_mul_overflow(number.fraction, unit, &fraction)) return std::nullopt;
  if (fraction % number.fraction_div != 0) return std::nullopt;
  std::uint64_t total = 0;
  if (__builtin_add_overflow(whole, fraction / number.fraction_div, &total)) return std::nullopt;
  if (total > limit) return std::nullopt;
  return total;
}

template <std::size_t N>
std::optional<std::uint64_t> parse_with_units(std::string_view text,
                                              const std::array<std::pair<std::string_view, std::uint64_t>, N>& units,
                                              std::uint64_t limit) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  for (const auto& [name, factor] : units) {
    if (split->second == name) return scale(split->first, factor, limit);
  }
  return std::nullopt;
}

constexpr std::uint64_t kSecond = 1000;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;
constexpr std::uint64_t kDay = 24 * kHour;

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr std::uint64_t kTiB = 1024 * kGiB;

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kUnits = {{
      {"ms", 1}, {"s", kSecond}, {"m", kMinute}, {"min", kMinute}, {"h", kHour}, {"d", kDay}}};
  constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
  auto millis = parse_with_units(text, kUnits, kLimit);
  if (!millis) return std::nullopt;
  return Duration(static_cast<Duration::rep>(*millis));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kUnits = {{
      {"B", 1}, {"kB", kKiB}, {"KB", kKiB}, {"MB", kMiB}, {"GB", kGiB}, {"TB", kTiB}}};
  return parse_with_units(text, kUnits, std::numeric_limits<std::uint64_t>::max());
}

std::string format_duration(Duration d) {
  const auto count = d.count();
  if (count == 0) return "0s";
  // Magnitude as unsigned so that the most negative value has one too.
  const std::uint64_t magnitude =
      count < 0 ? ~static_cast<std::uint64_t>(count) + 1 : static_cast<std::uint64_t>(count);
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 4> kUnits = {{
      {kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}}};
  std::string out = count < 0 ? "-" : "";
  for (const auto& [factor, name] : kUnits) {
    if (magnitude % factor == 0) return out + std::to_string(magnitude / factor) + std::string(name);
  }
  return out + std::to_string(magnitude) + "ms";
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 5> kUnits = {{
      {1, "B"}, {kKiB, "kB"}, {kMiB, "MB"}, {kGiB, "GB"}, {kTiB, "TB"}}};
  std::size_t unit = 0;
  while (unit + 1 < kUnits.size() && bytes >= kUnits[unit + 1].first) ++unit;
  double value = std::round(static_cast<double>(bytes) / static_cast<double>(kUnits[unit].first) * 10.0) / 10.0;
  // 1023.96MB rounds to 1024.0MB, which reads better one unit up.
  if (value >= 1024.0 && unit + 1 < kUnits.size()) {
    ++unit;
    value = std::round(static_cast<double>(bytes) / static_cast<double>(kUnits[unit].first) * 10.0) / 10.0;
  }
  std::array<char, 64> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, 1);
  std::string number = ec == std::errc{} ? std::string(buffer.data(), end) : std::to_string(bytes);
  if (number.ends_with(".0")) number.resize(number.size() - 2);
  return number + std::string(kUnits[unit].second);
}

}  // namespace pgvigil::config
