#include "cluster/connect_spec.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pgvigil::cluster {
namespace {

std::expected<std::string, std::string> read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot read password_file " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string password = content.str();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return password;
}

}  // namespace

std::expected<db::ConnectSpec, std::string> make_connect_spec(const config::MemberConfig& member,
                                                              const config::ClusterConfig& cluster) {
  db::ConnectSpec spec;
  spec.params = member.params;
  spec.connect_timeout = cluster.pool.connect_timeout;
  spec.statement_timeout = cluster.health.query_timeout;
  spec.lock_timeout = std::min(cluster.health.query_timeout, db::Millis(1000));
  spec.password = member.inline_password;
  if (!member.password_file.empty()) {
    auto password = read_password_file(member.password_file);
    if (!password) return std::unexpected(password.error());
    spec.password = std::move(*password);
  }
  return spec;
}

}  // namespace pgvigil::cluster
