#include "config/diagnostics.h"

#include <algorithm>
#include <utility>

#include "db/conninfo.h"

namespace pgvigil::config {

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

Diagnostics::Diagnostics(std::string file) : file_(std::move(file)) {}

void Diagnostics::error(int line, std::string key, std::string message) {
  errors_.push_back(ConfigError{file_, line, std::move(key), std::move(message)});
}

void Diagnostics::warn(int line, std::string message) {
  std::string place = file_;
  if (line > 0) place += ":" + std::to_string(line);
  warnings_.push_back(place + ": " + message);
}

void Diagnostics::add_secret(std::string secret) {
  if (!secret.empty()) secrets_.push_back(std::move(secret));
}

std::string Diagnostics::redact(const std::string& text) const {
  return db::redact_secrets(db::redact_conninfo(text), secrets_);
}

std::vector<ConfigError> Diagnostics::take_errors() {
  // Messages are written never to quote a secret, but some echo a value that was found in the
  // wrong place, and that value may be a connection string; masking here catches both.
  for (auto& error : errors_) {
    error.key = redact(error.key);
    error.message = redact(error.message);
  }
  // Sections are read in a fixed order, not file order; people read errors top to bottom.
  std::ranges::stable_sort(errors_, {}, &ConfigError::line);
  return std::exchange(errors_, {});
}

std::vector<std::string> Diagnostics::take_warnings() {
  for (auto& warning : warnings_) warning = redact(warning);
  return std::exchange(warnings_, {});
}

}  // namespace pgvigil::config
