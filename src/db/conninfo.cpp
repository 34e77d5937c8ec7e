#include "db/conninfo.h"

#include <libpq-fe.h>

#include <memory>
#include <regex>

namespace pgvigil::db {
namespace {

constexpr std::string_view kMask = "********";

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

}  // namespace

std::expected<ConnParams, std::string> parse_conninfo(std::string_view conninfo) {
  char* err = nullptr;
  ConninfoOptions options{PQconninfoParse(std::string(conninfo).c_str(), &err)};
  if (!options) {
    std::string message = err ? err : "out of memory";
    PQfreemem(err);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return std::unexpected(redact_conninfo(message));
  }
  ConnParams params;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) params.emplace_back(o->keyword, o->val);
  }
  return params;
}

bool is_conninfo_keyword(std::string_view keyword) {
  ConninfoOptions defaults{PQconndefaults()};
  if (!defaults) return false;
  for (const PQconninfoOption* o = defaults.get(); o->keyword != nullptr; ++o) {
    if (keyword == o->keyword) return true;
  }
  return false;
}

std::string describe(const ConnParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (key == "password") continue;
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    const bool quote = value.empty() || value.find_first_of(" '\\") != std::string::npos;
    if (quote) out += '\'';
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    if (quote) out += '\'';
  }
  return out;
}

std::string redact_conninfo(std::string_view text) {
  static const std::regex kKeyValue(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+))", std::regex::icase);
  static const std::regex kUriUserinfo(R"(((?:postgres|postgresql)://[^:@/\s]*:)[^@/\s]*@)", std::regex::icase);
  static const std::regex kUriParam(R"(([?&]password=)[^&\s]*)", std::regex::icase);
  std::string out(text);
  out = std::regex_replace(out, kKeyValue, "$1" + std::string(kMask));
  out = std::regex_replace(out, kUriUserinfo, "$1" + std::string(kMask) + "@");
  out = std::regex_replace(out, kUriParam, "$1" + std::string(kMask));
  return out;
}

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + kMask.size())) {
      text.replace(pos, secret.size(), kMask);
    }
  }
  return text;
}

}  // namespace pgvigil::db
