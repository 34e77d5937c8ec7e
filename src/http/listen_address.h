// Parses http.listen: "host:port" or "[ipv6]:port". Port 0 asks for any free port (tests).
// Pure function; safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace pgvigil::http {

struct ListenAddress {
  std::string host;  // without brackets: "127.0.0.1", "::1", "localhost"
  int port = 0;      // 0..65535; 0 = any free port

  bool operator==(const ListenAddress&) const = default;
};

std::expected<ListenAddress, std::string> parse_listen_address(std::string_view text);

}  // namespace pgvigil::http
