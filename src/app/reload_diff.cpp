#include "app/reload_diff.h"

namespace pgvigil::app {

std::vector<std::string> keys_needing_restart(const config::Config& running, const config::Config& next) {
  std::vector<std::string> keys;
  auto check = [&](const char* key, const std::string& a, const std::string& b) {
    if (a != b) keys.emplace_back(key);
  };
  check("http.listen", running.http.listen, next.http.listen);
  check("http.tls.cert_file", running.http.tls.cert_file, next.http.tls.cert_file);
  check("http.tls.key_file", running.http.tls.key_file, next.http.tls.key_file);
  check("http.admin_token_file", running.http.admin_token_file, next.http.admin_token_file);
  check("daemon.state_dir", running.daemon.state_dir, next.daemon.state_dir);
  return keys;
}

}  // namespace pgvigil::app
