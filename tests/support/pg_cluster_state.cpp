// Handing a running PgCluster from one process to another through a state file in its base
// directory: which servers, where, on which ports, under which postmaster PIDs.
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "pg_cluster.h"
#include "subprocess.h"

namespace pgvigil::testing {
namespace {

constexpr const char* kStateFile = "/cluster.state";
constexpr const char* kStateHeader = "pgvigil-cluster-state 1";

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

}  // namespace

std::string PgCluster::detach() {
  if (!owner_) throw std::logic_error("detach: this cluster is not owned here");
  std::ostringstream state;
  state << kStateHeader << "\n" << "password_file\t" << password_file_ << "\n";
  for (const auto& server : servers_) {
    const auto& paths = server.paths();
    state << "member\t" << paths.name << "\t" << paths.data_dir << "\t" << paths.socket_dir << "\t" << paths.log_file
          << "\t" << server.port() << "\t" << server.postmaster_pid() << "\n";
  }
  std::ofstream out(base_dir_ + kStateFile, std::ios::trunc);
  out << state.str();
  if (!out.flush()) throw std::runtime_error("cannot write " + base_dir_ + kStateFile);
  owner_ = false;
  return base_dir_;
}

PgCluster PgCluster::attach(const std::string& base_dir) {
  std::ifstream in(base_dir + kStateFile);
  std::string line;
  if (!in || !std::getline(in, line) || line != kStateHeader) {
    throw std::runtime_error("no cluster state in " + base_dir);
  }
  PgCluster cluster;
  cluster.base_dir_ = base_dir;
  cluster.options_.stop_with_caller = false;  // this process may well exit before the servers
  while (std::getline(in, line)) {
    const auto fields = split_tabs(line);
    if (fields.size() == 2 && fields[0] == "password_file") {
      cluster.password_file_ = fields[1];
    } else if (fields.size() == 7 && fields[0] == "member") {
      cluster.servers_.emplace_back(ServerPaths{fields[1], fields[2], fields[3], fields[4]}, std::stoi(fields[5]),
                                    static_cast<pid_t>(std::stol(fields[6])));
    } else {
      throw std::runtime_error("unreadable line in " + base_dir + kStateFile + ": " + line);
    }
  }
  cluster.password_ = read_file(cluster.password_file_);
  while (!cluster.password_.empty() && cluster.password_.back() == '\n') cluster.password_.pop_back();
  cluster.owner_ = true;
  return cluster;
}

}  // namespace pgvigil::testing
