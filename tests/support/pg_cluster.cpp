#include "pg_cluster.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "polling.h"
#include "ports.h"
#include "server_account.h"
#include "subprocess.h"

namespace pgvigil::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string random_password() {
  std::random_device entropy;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string password;
  for (int i = 0; i < 32; ++i) password += kHex[entropy() % 16];
  return password;
}

// cluster_name for each server: unique per cluster, and short enough for NAMEDATALEN.
std::string server_name(const std::string& base_dir, const std::string& role) {
  return fs::path(base_dir).filename().string().substr(0, 40) + "-" + role;
}

void append_settings(const std::string& data_dir, const PgCluster::Options& options, const std::string& socket_dir) {
  std::ofstream conf(data_dir + "/postgresql.conf", std::ios::app);
  conf << "\n# Throwaway test server: loopback only, no fsync.\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << socket_dir << "'\n"
       << "fsync = off\n"
       << "wal_level = replica\n"
       << "max_wal_senders = 5\n"
       << "hot_standby = on\n"
       << "shared_preload_libraries = 'pg_stat_statements'\n"
       << "max_connections = " << options.max_connections << "\n"
       << "superuser_reserved_connections = 3\n"
       << "track_io_timing = on\n";
  for (const auto& [name, value] : options.settings) conf << name << " = '" << value << "'\n";
  if (!conf.flush()) throw std::runtime_error("cannot write " + data_dir + "/postgresql.conf");
}

// The pgvigil lines come first: pg_hba.conf is read top-down, and the trust lines below would
// otherwise let any password in.
void write_hba(const std::string& data_dir) {
  std::ofstream hba(data_dir + "/pg_hba.conf", std::ios::trunc);
  hba << "local all         pgvigil                scram-sha-256\n"
      << "host  all         pgvigil 127.0.0.1/32   scram-sha-256\n"
      << "host  all         pgvigil ::1/128        scram-sha-256\n"
      << "local all         all                    trust\n"
      << "host  all         all     127.0.0.1/32   trust\n"
      << "host  all         all     ::1/128        trust\n"
      << "local replication all                    trust\n"
      << "host  replication all     127.0.0.1/32   trust\n"
      << "host  replication all     ::1/128        trust\n";
  if (!hba.flush()) throw std::runtime_error("cannot write " + data_dir + "/pg_hba.conf");
}

void run_as_server(const std::vector<std::string>& argv, milliseconds limit) {
  const auto result = run_command(argv, limit, as_server_account());
  if (result.exit_code != 0) {
    throw std::runtime_error(fs::path(argv[0]).filename().string() + " failed (exit " +
                             std::to_string(result.exit_code) + "):\n" + result.output);
  }
}

}  // namespace

PgCluster PgCluster::start(Options options) {
  PgCluster cluster;
  cluster.options_ = std::move(options);
  cluster.owner_ = true;  // from here on, a failure tears down whatever was started
  if (cluster.options_.base_dir.empty()) {
    cluster.base_dir_ = make_scratch_dir("pgvigil-cluster");
  } else {
    cluster.base_dir_ = fs::absolute(cluster.options_.base_dir).lexically_normal().string();
    if (!fs::is_directory(cluster.base_dir_)) throw std::runtime_error("no such directory: " + cluster.base_dir_);
  }
  cluster.password_ = random_password();
  cluster.password_file_ = cluster.base_dir_ + "/pgvigil.password";
  write_private_file(cluster.password_file_, cluster.password_ + "\n");
  const std::string server_dir = cluster.base_dir_ + "/pg";
  fs::create_directory(server_dir);
  ::chmod(server_dir.c_str(), 0755);  // the socket lives here
  hand_to_server_account(server_dir);
  cluster.create_primary();
  if (cluster.options_.with_replica) cluster.create_replica();
  return cluster;
}

void PgCluster::create_primary() {
  const std::string server_dir = base_dir_ + "/pg";
  ServerPaths paths{server_name(base_dir_, "primary"), server_dir + "/primary", server_dir, server_dir + "/primary.log"};
  run_as_server({pg_program("initdb"), "-D", paths.data_dir, "-U", "postgres", "-A", "trust", "-N", "-E", "UTF8",
                 "--locale=C"},
                options_.timeout);
  append_settings(paths.data_dir, options_, server_dir);
  write_hba(paths.data_dir);
  servers_.emplace_back(std::move(paths), free_port());
  servers_.back().start(options_.timeout, true, options_.stop_with_caller);
  exec(kPrimary,
       "CREATE ROLE pgvigil LOGIN PASSWORD '" + password_ + "';"
       "GRANT pg_monitor, pg_signal_backend TO pgvigil;"
       "CREATE ROLE app LOGIN;"
       "GRANT CREATE ON SCHEMA public TO app;"  // PostgreSQL 15 no longer grants it to everyone
       "CREATE EXTENSION pg_stat_statements;");
}

void PgCluster::create_replica() {
  const std::string server_dir = base_dir_ + "/pg";
  ServerPaths paths{server_name(base_dir_, "replica"), server_dir + "/replica", server_dir, server_dir + "/replica.log"};
  run_as_server({pg_program("pg_basebackup"), "-h", host(), "-p", std::to_string(port(kPrimary)), "-U", "postgres",
                 "-D", paths.data_dir, "-R", "-X", "stream", "-c", "fast", "--no-sync"},
                options_.timeout);
  servers_.emplace_back(std::move(paths), free_port());
  servers_.back().start(options_.timeout, true, options_.stop_with_caller);
  wait_replica_streaming(options_.timeout);
}

PgCluster::PgCluster(PgCluster&& other) noexcept
    : options_(std::move(other.options_)),
      base_dir_(std::move(other.base_dir_)),
      password_(std::move(other.password_)),
      password_file_(std::move(other.password_file_)),
      servers_(std::move(other.servers_)),
      owner_(std::exchange(other.owner_, false)) {}

PgCluster& PgCluster::operator=(PgCluster&& other) noexcept {
  if (this != &other) {
    teardown();
    options_ = std::move(other.options_);
    base_dir_ = std::move(other.base_dir_);
    password_ = std::move(other.password_);
    password_file_ = std::move(other.password_file_);
    servers_ = std::move(other.servers_);
    owner_ = std::exchange(other.owner_, false);
  }
  return *this;
}

PgCluster::~PgCluster() { teardown(); }

void PgCluster::teardown() noexcept {
  if (!owner_) return;
  owner_ = false;
  try {
    for (auto& server : servers_) server.begin_shutdown();
    for (auto& server : servers_) server.finish_shutdown(milliseconds(2000));
  } catch (...) {
    // Teardown runs in destructors, possibly during unwinding: carry on and remove the files.
  }
  std::error_code ignored;
  fs::remove_all(base_dir_, ignored);
}

const PgServer& PgCluster::server(int member) const {
  if (member < 0 || member >= size()) {
    throw std::out_of_range("no cluster member " + std::to_string(member) + " (size " + std::to_string(size()) + ")");
  }
  return servers_[static_cast<size_t>(member)];
}

PgServer& PgCluster::server(int member) {
  return const_cast<PgServer&>(std::as_const(*this).server(member));
}

std::string PgCluster::conninfo(int member, const std::string& user, const std::string& dbname) const {
  return "host=" + host() + " port=" + std::to_string(port(member)) + " dbname=" + dbname + " user=" + user;
}

Rows PgCluster::exec(int member, const std::string& sql, const std::string& user, Duration limit) const {
  return run_sql(conninfo(member, user) + " password=" + password_, sql, limit);
}

}  // namespace pgvigil::testing
