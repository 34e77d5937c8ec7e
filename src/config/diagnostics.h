// What went wrong while loading one config source: errors with their place in the file, and
// warnings. Secrets registered here (inline passwords) are masked in every message handed out,
// so no error or warning can carry one. One instance per load; not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "config/loader.h"

namespace pgvigil::config {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file);

  const std::string& file() const { return file_; }

  // `line` is 1-based (0 = no line); `key` a dotted path such as clusters[0].pool.max.
  void error(int line, std::string key, std::string message);
  // Prefixed with "file:line: " so that warnings point at the file just as errors do.
  void warn(int line, std::string message);
  void add_secret(std::string secret);

  bool has_errors() const { return !errors_.empty(); }
  std::vector<ConfigError> take_errors();
  std::vector<std::string> take_warnings();

 private:
  std::string redact(const std::string& text) const;

  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<std::string> warnings_;
  std::vector<std::string> secrets_;
};

}  // namespace pgvigil::config
