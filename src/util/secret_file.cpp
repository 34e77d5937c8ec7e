#include "util/secret_file.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace pgvigil {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::expected<std::string, std::string> read_secret_file(const std::string& path, std::string_view key) {
  const std::string named = std::string(key) + " " + path;
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) return std::unexpected("cannot read " + named + ": it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::unexpected("cannot read " + named + ": " + std::generic_category().message(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return std::unexpected("cannot read " + named);
  std::string secret(trimmed(contents.str()));
  if (secret.empty()) return std::unexpected(named + " is empty");
  return secret;
}

}  // namespace pgvigil
