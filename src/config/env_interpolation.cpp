#include "config/env_interpolation.h"

#include <cstdlib>

namespace pgvigil::config {
namespace {

bool is_name_start(char c) { return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::expected<std::string, std::string> interpolate_env(std::string_view text, const EnvLookup& lookup) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c != '$' || (next != '$' && next != '{')) {
      out += c;
      continue;
    }
    if (next == '$') {
      out += '$';
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) return std::unexpected("unterminated ${ (write $$ for a literal $)");
    const std::string name(text.substr(i + 2, close - i - 2));
    if (!is_valid_name(name)) {
      return std::unexpected("invalid environment variable name in ${" + name + "}");
    }
    auto value = lookup(name);
    if (!value) return std::unexpected("environment variable " + name + " is not set");
    out += *value;
    i = close;
  }
  return out;
}

}  // namespace pgvigil::config
