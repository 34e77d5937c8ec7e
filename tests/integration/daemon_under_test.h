// Shared by the health API acceptance tests: the real pgvigil binary started on a config written
// to a temporary directory and reached over loopback HTTP, plus libpq sessions a test holds open
// (idle transactions, lock waiters, connection fillers). Everything waits with a bound.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <postgresql/libpq-fe.h>

#include "pg_cluster.h"
#include "pg_session.h"
#include "polling.h"
#include "ports.h"
#include "subprocess.h"

namespace pgvigil::acceptance {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Json = nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-accept-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary | std::ios::trunc) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// HTTP

struct HttpReply {
  int status = 0;  // 0: no answer (error says why)
  std::string body;
  std::string error;
  httplib::Headers headers;

  Json json() const { return Json::parse(body, nullptr, false); }
};

inline HttpReply http_call(int port, const std::string& method, const std::string& path,
                           const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(35, 0);  // POST /-/reload waits for the daemon's main loop
  client.set_write_timeout(2, 0);
  httplib::Result result = method == "HEAD"   ? client.Head(path, headers)
                           : method == "POST" ? client.Post(path, headers, "", "text/plain")
                                              : client.Get(path, headers);
  HttpReply reply;
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.headers = result->headers;
  return reply;
}

inline HttpReply http_get(int port, const std::string& path) { return http_call(port, "GET", path); }

// ---------------------------------------------------------------------------------------------
// Reading /health documents

// The member `name` of the first cluster in a /health document; null if absent.
inline Json member_of(const Json& health, const std::string& name) {
  if (!health.is_object() || !health.contains("clusters") || health["clusters"].empty()) return nullptr;
  for (const auto& m : health["clusters"][0]["members"]) {
    if (m.value("name", "") == name) return m;
  }
  return nullptr;
}

inline const Json* reason_of(const Json& member_or_cluster, const std::string& check) {
  if (!member_or_cluster.is_object() || !member_or_cluster.contains("reasons")) return nullptr;
  for (const auto& r : member_or_cluster["reasons"]) {
    if (r.value("check", "") == check) return &r;
  }
  return nullptr;
}

inline std::string status_of(const Json& object) {
  return object.is_object() && object.contains("status") && object["status"].is_string()
             ? object["status"].get<std::string>()
             : std::string();
}

// ---------------------------------------------------------------------------------------------
// Config

struct MemberSpec {
  std::string name;
  int port = 0;
  std::string password_file;
  std::string dbname = "postgres";
};

struct DaemonConfig {
  std::vector<MemberSpec> members;
  std::string interval = "500ms";
  std::string slow_checks_interval = "1s";
  std::string recover_after = "2";
  // check name → flow mapping of its settings. A loaded test machine can take longer than the
  // default 100ms for a round trip; these tests are not about connectivity latency.
  std::map<std::string, std::string> checks{{"connectivity", "{ warning: 2s }"}};
  std::string admin_token_file;
  std::string cluster = "c";
  // The cluster's queries section as a flow mapping, e.g. "{ cancel: { mode: off } }"; empty: defaults.
  std::string queries;
  // The body of the top-level alerts section, each line indented by two spaces; empty: no sinks.
  std::string alerts;
  // The cluster's schema section as a flow mapping, e.g. "{ interval: 1s }"; empty: no schema check.
  std::string schema;
};

inline std::string render_config(const DaemonConfig& config, int http_port, const std::string& state_dir) {
  std::string yaml = "daemon:\n  state_dir: " + state_dir + "\n  log: { level: info }\n";
  yaml += "http:\n  listen: 127.0.0.1:" + std::to_string(http_port) + "\n";
  if (!config.admin_token_file.empty()) yaml += "  admin_token_file: " + config.admin_token_file + "\n";
  yaml += "clusters:\n  - name: " + config.cluster + "\n    members:\n";
  for (const auto& m : config.members) {
    yaml += "      - name: " + m.name + "\n        conninfo: \"host=127.0.0.1 port=" + std::to_string(m.port) +
            " dbname=" + m.dbname + " user=pgvigil\"\n        password_file: " + m.password_file + "\n";
  }
  yaml += "    retry: { base: 100ms, max: 1s }\n";
  yaml += "    health:\n      interval: " + config.interval + "\n      slow_checks_interval: " +
          config.slow_checks_interval + "\n      recover_after: " + config.recover_after + "\n";
  if (!config.checks.empty()) {
    yaml += "      checks:\n";
    for (const auto& [check, settings] : config.checks) yaml += "        " + check + ": " + settings + "\n";
  }
  if (!config.queries.empty()) yaml += "    queries: " + config.queries + "\n";
  if (!config.schema.empty()) yaml += "    schema: " + config.schema + "\n";
  yaml += "alerts:\n" + (config.alerts.empty() ? std::string("  sinks: []\n") : config.alerts);
  return yaml;
}

// ---------------------------------------------------------------------------------------------
// The daemon

class DaemonUnderTest {
 public:
  // Writes the config, starts the binary and returns once its HTTP listener answers /livez.
  DaemonUnderTest(const TempDir& dir, const DaemonConfig& config)
      : config_path_(dir / "pgvigil.yaml"), log_path_(dir / "pgvigil.log") {
    fs::create_directories(dir / "state");
    for (int attempt = 1;; ++attempt) {
      port_ = testing::free_port();
      dir.write("pgvigil.yaml", render_config(config, port_, dir / "state"));
      process_.emplace(testing::Subprocess::spawn({PGVIGIL_BINARY, "--config", config_path_}, {}, log_path_));
      const bool listening = testing::poll_until(
          [&] { return !process_->running() || http_get(port_, "/livez").status != 0; }, 10s);
      if (listening && process_->running()) return;
      // Another process may have taken the port between free_port() and the bind.
      if (attempt < 3 && log().find("cannot serve HTTP") != std::string::npos) continue;
      throw std::runtime_error("pgvigil did not start listening on port " + std::to_string(port_) + ":\n" + log());
    }
  }
  ~DaemonUnderTest() { stop(); }
  DaemonUnderTest(const DaemonUnderTest&) = delete;
  DaemonUnderTest& operator=(const DaemonUnderTest&) = delete;

  int port() const { return port_; }
  const std::string& config_path() const { return config_path_; }
  std::string log() const { return testing::read_file(log_path_); }
  bool running() { return process_ && process_->running(); }
  void signal(int signo) const { process_->signal(signo); }

  HttpReply get(const std::string& path) const { return http_get(port_, path); }
  Json health() const { return get("/health").json(); }

  // SIGTERM; the exit code, or nullopt if it did not stop within 5 s (it is then killed).
  std::optional<int> stop() {
    if (!process_) return std::nullopt;
    process_->signal(SIGTERM);
    auto code = process_->wait_for_exit(5s);
    process_.reset();
    return code;
  }

  // SIGKILL, as a crash or the OOM killer would: nothing is flushed or cleaned up.
  void kill() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait_for_exit(5s);
    process_.reset();
  }

  // Waits until every member of the first cluster finished a cycle (GET /readyz is 200).
  bool wait_ready(std::chrono::milliseconds limit = 10s) const {
    return testing::poll_until([&] { return get("/readyz").status == 200; }, limit);
  }

 private:
  std::string config_path_;
  std::string log_path_;
  int port_ = 0;
  std::optional<testing::Subprocess> process_;
};

// How often `needle` occurs in `text`.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

// The value of an unlabelled sample `name` in Prometheus text; nullopt if there is none.
inline std::optional<double> metric_sample(const std::string& exposition, const std::string& name) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > name.size() && line.starts_with(name) && line[name.size()] == ' ') {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Commands whose stdout and stderr are read apart (testing::run_command interleaves them).

struct SplitOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` to completion with stdin read from `stdin_file`; stderr passes through
// dir/<label>.stderr. Throws, after killing the command, if it runs longer than `limit`.
inline SplitOutput run_split(const TempDir& dir, const std::string& label, const std::vector<std::string>& argv,
                             std::chrono::milliseconds limit, const std::string& stdin_file = "/dev/null") {
  const std::string err_file = dir / (label + ".stderr");
  std::vector<std::string> wrapped{"/bin/sh", "-c", "in=$1 err=$2; shift 2; exec \"$@\" <\"$in\" 2>\"$err\"",
                                   "sh", stdin_file, err_file};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  const auto result = testing::run_command(wrapped, limit);
  return SplitOutput{result.exit_code, result.output, testing::read_file(err_file)};
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The member document of `member`, fetched until `done` accepts it or the limit passes; the last
// one seen is returned either way so a failed assertion can print it.
template <class Predicate>
Json poll_member(const DaemonUnderTest& daemon, const std::string& member, Predicate&& done,
                 std::chrono::milliseconds limit) {
  Json seen;
  testing::poll_until(
      [&] {
        seen = member_of(daemon.health(), member);
        return done(seen);
      },
      limit, std::chrono::milliseconds(100));
  return seen;
}

// A primary and a replica started once for a whole suite; each test runs its own daemon.
class SharedClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new testing::PgCluster(testing::PgCluster::start({})); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // Members named "primary" and "replica".
  static DaemonConfig both_members() {
    DaemonConfig config;
    config.members = {{"primary", cluster_->port(testing::PgCluster::kPrimary), cluster_->password_file()},
                      {"replica", cluster_->port(testing::PgCluster::kReplica), cluster_->password_file()}};
    return config;
  }

  static inline testing::PgCluster* cluster_ = nullptr;
};

}  // namespace pgvigil::acceptance
