#include "http/admin_token.h"

#include "util/secret_file.h"

namespace pgvigil::http {

std::expected<std::string, std::string> read_admin_token(const std::string& path) {
  if (path.empty()) return std::string();
  return read_secret_file(path, "http.admin_token_file");
}

}  // namespace pgvigil::http
