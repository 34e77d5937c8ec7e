// One entry of clusters[].members: how to reach the server, as a libpq conninfo / URI or as
// discrete keys, resolved into libpq keyword/value params.
#include <algorithm>
#include <array>

#include "config/sections.h"
#include "db/conninfo.h"

namespace pgvigil::config {
namespace {

constexpr std::array<std::string_view, 4> kDiscreteKeys = {"host", "port", "dbname", "user"};
// Accepted in both styles: TLS settings are often kept apart from the address.
constexpr std::array<std::string_view, 4> kTlsKeys = {"sslmode", "sslrootcert", "sslcert", "sslkey"};
constexpr std::array<std::string_view, 6> kSslModes = {"disable", "allow", "prefer", "require", "verify-ca",
                                                        "verify-full"};

bool has_param(const db::ConnParams& params, std::string_view key) {
  return std::ranges::find(params, key, &db::ConnParams::value_type::first) != params.end();
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

// Whether the password in the conninfo as written comes from ${VAR}, which is the documented
// way to keep it out of the file; only a password written literally deserves the warning.
bool password_written_literally(const std::string& raw_conninfo) {
  if (raw_conninfo.find("${") == std::string::npos) return true;
  auto raw = db::parse_conninfo(raw_conninfo);
  if (!raw) return true;
  auto it = std::ranges::find(*raw, std::string("password"), &db::ConnParams::value_type::first);
  return it == raw->end() || it->second.find("${") == std::string::npos;
}

// Moves a conninfo's params into `out`, keeping the password apart and dropping
// application_name, which the daemon always sets itself.
void take_conninfo(const Field& field, const std::string& conninfo, LoadContext& ctx, MemberConfig& out) {
  auto params = db::parse_conninfo(conninfo);
  if (!params) {
    ctx.diag.error(field.line, field.path, "invalid conninfo: " + params.error());
    return;
  }
  for (auto& [key, value] : *params) {
    if (key == "password") {
      out.inline_password = std::move(value);
      ctx.diag.add_secret(out.inline_password);
      if (password_written_literally(field.node.Scalar())) {
        ctx.diag.warn(field.line, field.path +
                                      ": a password is written in the conninfo; prefer password_file or ${ENV}"
                                      " (it is redacted everywhere)");
      }
    } else if (key == "application_name") {
      ctx.diag.warn(field.line, field.path + ": application_name is ignored; the daemon always sets its own");
    } else {
      out.params.emplace_back(std::move(key), std::move(value));
    }
  }
}

// A discrete key (host, sslmode, ...) added to the params, unless the conninfo already set it.
void take_discrete(StrictMap& map, std::string_view key, bool has_conninfo, LoadContext& ctx, MemberConfig& out) {
  const bool conflicts = has_conninfo && (std::ranges::find(kDiscreteKeys, key) != kDiscreteKeys.end() ||
                                          has_param(out.params, key));
  std::string value;
  if (!map.read(key, value)) return;
  const int line = map.line_of(key);
  const std::string path = map.path_of(key);
  if (conflicts) {
    ctx.diag.error(line, path,
                   "conflicting: conninfo and " + std::string(key) + " are both set; give " + std::string(key) +
                       " in one place only");
    return;
  }
  if (value.empty()) {
    ctx.diag.error(line, path, "must not be empty");
    return;
  }
  if (key == "port" && !is_port(value)) {
    ctx.diag.error(line, path, "invalid port '" + value + "': expected 1..65535");
    return;
  }
  out.params.emplace_back(std::string(key), std::move(value));
}

// libpq checks sslmode only when connecting; checking it here turns a typo into a load error.
// It may come from the conninfo or from its own key: the error points at whichever set it.
void check_sslmode(const MemberConfig& member, const StrictMap& map, LoadContext& ctx) {
  const std::string_view source = map.contains("sslmode") ? "sslmode" : "conninfo";
  for (const auto& [key, value] : member.params) {
    if (key == "sslmode" && std::ranges::find(kSslModes, value) == kSslModes.end()) {
      ctx.diag.error(map.line_of(source), map.path_of(source),
                     "unknown sslmode '" + value + "': expected one of disable, allow, prefer, require, verify-ca, "
                     "verify-full");
    }
  }
}

}  // namespace

void load_member(const Field& field, LoadContext& ctx, MemberConfig& out) {
  StrictMap map(field, ctx);
  if (!map.is_map()) return;
  read_name(map, out.name);

  const bool has_conninfo = map.contains("conninfo");
  if (auto conninfo_field = map.take("conninfo")) {
    auto conninfo = read_string(*conninfo_field, ctx);
    if (conninfo && conninfo->empty()) {
      ctx.diag.error(conninfo_field->line, conninfo_field->path, "must not be empty");
    } else if (conninfo) {
      take_conninfo(*conninfo_field, *conninfo, ctx, out);
    }
  }
  for (auto key : kDiscreteKeys) take_discrete(map, key, has_conninfo, ctx, out);
  for (auto key : kTlsKeys) take_discrete(map, key, has_conninfo, ctx, out);
  check_sslmode(out, map, ctx);

  if (read_readable_path(map, "password_file", out.password_file) && !out.inline_password.empty()) {
    ctx.diag.error(map.line_of("password_file"), map.path_of("password_file"),
                   "conflicting: the conninfo has a password and password_file is set; keep only password_file");
  }
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
