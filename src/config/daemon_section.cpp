// The daemon: and http: sections.
#include <algorithm>
#include <array>

#include "config/sections.h"
#include "config/value_rules.h"

namespace pgvigil::config {
namespace {

constexpr std::array<std::pair<std::string_view, LogFormat>, 2> kLogFormats = {{
    {"text", LogFormat::text}, {"json", LogFormat::json}}};

// The level names logging understands ("warning" being spdlog's own spelling of warn); kept as a
// string in LogConfig so that logging decides how to apply them.
constexpr std::array<std::string_view, 8> kLogLevels = {"trace", "debug",    "info", "warn",
                                                        "warning", "error", "critical", "off"};

void load_log(const Field& field, LoadContext& ctx, LogConfig& out) {
  StrictMap map(field, ctx);
  std::string level;
  if (map.read("level", level)) {
    if (std::ranges::find(kLogLevels, level) != kLogLevels.end()) {
      out.level = level;
    } else {
      ctx.diag.error(map.line_of("level"), map.path_of("level"),
                     "unknown value '" + level + "': expected one of trace, debug, info, warn, error, critical, off");
    }
  }
  map.read_choice<LogFormat>("format", kLogFormats, out.format);
  map.reject_unknown_keys();
}

void load_tls(const Field& field, LoadContext& ctx, TlsConfig& out) {
  StrictMap map(field, ctx);
  const bool has_cert = read_readable_path(map, "cert_file", out.cert_file);
  const bool has_key = read_readable_path(map, "key_file", out.key_file);
  map.reject_unknown_keys();
  if (has_cert != has_key) {
    const char* missing = has_cert ? "key_file" : "cert_file";
    ctx.diag.error(map.line_of(has_cert ? "cert_file" : "key_file"), map.path_of(missing),
                   "cert_file and key_file must be set together (both set = HTTPS)");
  }
}

}  // namespace

void load_daemon(const Field& field, LoadContext& ctx, DaemonConfig& out) {
  StrictMap map(field, ctx);
  std::string state_dir;
  if (map.read("state_dir", state_dir)) {
    if (state_dir.empty()) {
      ctx.diag.error(map.line_of("state_dir"), map.path_of("state_dir"), "must not be empty");
    } else {
      out.state_dir = std::move(state_dir);
    }
  }
  // A tiny budget is not an error: each member's newest interval is kept whatever the budget.
  map.read_size("statement_history_max_bytes", out.statement_history_max_bytes, 1024);
  if (auto log = map.take("log")) load_log(*log, ctx, out.log);
  map.reject_unknown_keys();
}

void load_http(const Field& field, LoadContext& ctx, HttpConfig& out) {
  StrictMap map(field, ctx);
  std::string listen;
  if (map.read("listen", listen)) {
    if (is_listen_address(listen)) {
      out.listen = std::move(listen);
    } else {
      ctx.diag.error(map.line_of("listen"), map.path_of("listen"),
                     "invalid address '" + listen + "': expected host:port, e.g. 127.0.0.1:9188 or [::1]:9188");
    }
  }
  if (auto tls = map.take("tls")) load_tls(*tls, ctx, out.tls);
  read_readable_path(map, "admin_token_file", out.admin_token_file);
  std::string external_url;
  if (map.read("external_url", external_url)) {
    if (external_url.empty() || is_http_url(external_url)) {
      out.external_url = std::move(external_url);
    } else {
      ctx.diag.error(map.line_of("external_url"), map.path_of("external_url"),
                     "expected an http:// or https:// URL");
    }
  }
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
