#include "http/listen_address.h"

#include <algorithm>
#include <charconv>

namespace pgvigil::http {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  const auto problem = [&](std::string_view what) {
    return std::unexpected("http.listen \"" + std::string(text) + "\": " + std::string(what) +
                           " (expected host:port or [ipv6]:port)");
  };
  std::string_view host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return problem("unclosed [");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.starts_with(':')) return problem("no port after ]");
    port_text = rest.substr(1);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return problem("no port");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    // A bare IPv6 address is ambiguous: its last group would read as the port.
    if (host.find(':') != std::string_view::npos) return problem("an IPv6 address needs brackets");
  }
  if (host.empty()) return problem("no host");
  if (port_text.empty() || port_text.size() > 5 || !std::ranges::all_of(port_text, is_digit)) {
    return problem("the port must be a number from 0 to 65535");
  }
  int port = 0;
  std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port > 65535) return problem("the port must be a number from 0 to 65535");
  return ListenAddress{std::string(host), port};
}

}  // namespace pgvigil::http
