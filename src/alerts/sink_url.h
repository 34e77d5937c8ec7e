// The parts of a sink's http:// or https:// URL that an HTTP client needs. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgvigil::alerts {

struct SinkUrl {
  bool https = false;
  std::string host;      // without brackets for an IPv6 literal
  int port = 0;          // 80 or 443 when the URL gives none
  std::string path;      // "/" at least; the query string stays on it
  std::string user;      // from "user:password@", percent-decoded; empty when absent
  std::string password;
};

// nullopt for anything but a well-formed absolute http(s) URL. Never log a URL: it may hold a
// password.
std::optional<SinkUrl> parse_sink_url(std::string_view url);

// `base` with `suffix` appended to its path, without doubling the slash between them
// ("http://am:9093/" + "/api/v2/alerts").
std::string join_url_path(std::string_view base, std::string_view suffix);

}  // namespace pgvigil::alerts
