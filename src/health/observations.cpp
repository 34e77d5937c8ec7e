#include "health/observations.h"

#include <charconv>

namespace pgvigil::health {

std::optional<Lsn> parse_lsn(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  std::uint32_t high = 0;
  std::uint32_t low = 0;
  const auto hi = std::from_chars(text.data(), text.data() + slash, high, 16);
  const auto lo = std::from_chars(text.data() + slash + 1, text.data() + text.size(), low, 16);
  if (hi.ec != std::errc{} || hi.ptr != text.data() + slash || lo.ec != std::errc{} ||
      lo.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

}  // namespace pgvigil::health
