// pgvigil-harness: starts a throwaway primary + replica for scripts (scripts/demo) and stops it
// again from another process.
//
//   pgvigil-harness start --dir DIR [--no-replica] [--max-connections N] [--set NAME=VALUE]...
//                                                    servers keep running after exit;
//                                                    DIR/cluster.env says where they are
//   pgvigil-harness stop --dir DIR                   stops them by PID and removes DIR
//
// Exit codes: 0 success (stop also when there is nothing to stop), 1 failure, 64 bad usage.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "pg_cluster.h"

namespace {

using pgvigil::testing::PgCluster;
namespace fs = std::filesystem;

constexpr int kUsageError = 64;

struct Arguments {
  std::string command;
  std::string dir;
  bool with_replica = true;
  int max_connections = 0;  // 0: the harness's default
  std::vector<std::pair<std::string, std::string>> settings;  // more postgresql.conf settings
};

int usage() {
  std::cerr << "usage: pgvigil-harness start --dir DIR [--no-replica] [--max-connections N] [--set NAME=VALUE]...\n"
               "       pgvigil-harness stop --dir DIR\n";
  return kUsageError;
}

bool parse(int argc, char** argv, Arguments& out) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return false;
  out.command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dir" && i + 1 < args.size()) {
      out.dir = args[++i];
    } else if (args[i] == "--no-replica" && out.command == "start") {
      out.with_replica = false;
    } else if (args[i] == "--max-connections" && out.command == "start" && i + 1 < args.size()) {
      try {
        out.max_connections = std::stoi(args[++i]);
      } catch (const std::exception&) {
        return false;
      }
      if (out.max_connections < 10) return false;
    } else if (args[i] == "--set" && out.command == "start" && i + 1 < args.size()) {
      const std::string& setting = args[++i];
      const auto equals = setting.find('=');
      if (equals == std::string::npos || equals == 0) return false;
      out.settings.emplace_back(setting.substr(0, equals), setting.substr(equals + 1));
    } else {
      return false;
    }
  }
  return (out.command == "start" || out.command == "stop") && !out.dir.empty();
}

std::string shell_quoted(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

int start(const Arguments& args) {
  const auto began = std::chrono::steady_clock::now();
  PgCluster::Options options;
  options.with_replica = args.with_replica;
  if (args.max_connections > 0) options.max_connections = args.max_connections;
  options.settings = args.settings;
  options.base_dir = args.dir;
  options.stop_with_caller = false;  // the servers must outlive this process
  auto cluster = PgCluster::start(options);

  const std::string state_dir = cluster.base_dir() + "/state";
  fs::create_directories(state_dir);
  std::vector<std::pair<std::string, std::string>> env = {
      {"PGVIGIL_DEMO_HOST", cluster.host()},
      {"PGVIGIL_DEMO_PRIMARY_PORT", std::to_string(cluster.port(PgCluster::kPrimary))},
  };
  if (args.with_replica) env.emplace_back("PGVIGIL_DEMO_REPLICA_PORT", std::to_string(cluster.port(PgCluster::kReplica)));
  env.emplace_back("PGVIGIL_DEMO_PASSWORD_FILE", cluster.password_file());
  env.emplace_back("PGVIGIL_DEMO_STATE_DIR", state_dir);

  std::string text;
  for (const auto& [name, value] : env) text += name + "=" + shell_quoted(value) + "\n";
  std::ofstream(cluster.base_dir() + "/cluster.env") << text;
  cluster.detach();
  std::cout << text << std::flush;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - began;
  std::fprintf(stderr, "pgvigil-harness: cluster ready in %.2f s\n", took.count());
  return 0;
}

int stop(const Arguments& args) {
  if (!fs::exists(args.dir + "/cluster.state")) {
    std::cerr << "pgvigil-harness: no cluster in " << args.dir << "; nothing to stop\n";
    return 0;
  }
  auto cluster = PgCluster::attach(args.dir);
  cluster.teardown();
  std::cerr << "pgvigil-harness: stopped the cluster in " << args.dir << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (!parse(argc, argv, args)) return usage();
  try {
    return args.command == "start" ? start(args) : stop(args);
  } catch (const std::exception& e) {
    std::cerr << "pgvigil-harness " << args.command << ": " << e.what() << "\n";
    return 1;
  }
}
