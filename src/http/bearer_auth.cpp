#include "http/bearer_auth.h"

#include <algorithm>
#include <cctype>

namespace pgvigil::http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The credential after "Bearer ", or nothing when the header holds another scheme.
std::optional<std::string_view> bearer_credential(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !equals_ignoring_case(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return std::nullopt;  // "Bearerxyz" is another scheme
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::size_t length = std::max(a.size(), b.size());
  unsigned difference = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < length; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    difference |= static_cast<unsigned>(x ^ y);
  }
  return difference == 0;
}

BearerCheck check_bearer(std::optional<std::string_view> authorization, std::string_view admin_token) {
  if (admin_token.empty()) return BearerCheck::disabled;
  if (!authorization) return BearerCheck::missing;
  auto credential = bearer_credential(*authorization);
  if (!credential) return BearerCheck::missing;
  return constant_time_equal(*credential, admin_token) ? BearerCheck::allowed : BearerCheck::wrong;
}

}  // namespace pgvigil::http
