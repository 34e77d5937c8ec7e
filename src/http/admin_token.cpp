#include "http/admin_token.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace pgvigil::http {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string trimmed(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace

std::expected<std::string, std::string> read_admin_token(const std::string& path) {
  if (path.empty()) return std::string();
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return std::unexpected("cannot read http.admin_token_file " + path + ": it is a directory");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string cause = std::generic_category().message(errno);
    return std::unexpected("cannot read http.admin_token_file " + path + ": " + cause);
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return std::unexpected("cannot read http.admin_token_file " + path);
  std::string token = trimmed(contents.str());
  if (token.empty()) return std::unexpected("http.admin_token_file " + path + " is empty");
  return token;
}

}  // namespace pgvigil::http
