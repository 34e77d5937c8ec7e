// Shared by the fleet runtime acceptance tests (reload, probe flood, pool saturation): a daemon
// watching several clusters, started on a config this file renders and rewritten in place for
// reloads; readers for one cluster's members in /health, for labelled samples in /metrics, and for
// the daemon's own sessions on a server (pg_stat_activity). Everything waits with a bound.
#pragma once

#include <signal.h>

#include <chrono>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"
#include "sql_client.h"

namespace pgvigil::acceptance {

// One member as the config names it: a server of a test cluster, and the database the daemon
// connects to there (which tells the sessions of two clusters on one server apart).
struct FleetMember {
  std::string name;
  int port = 0;
  std::string dbname = "postgres";
  std::string extra_conninfo;  // more libpq keywords, e.g. "connect_timeout=7"
};

struct FleetCluster {
  std::string name;
  std::vector<FleetMember> members;
  std::string password_file;
  std::string interval = "500ms";
  std::string recover_after = "2";
  // The cluster's pool section as a flow mapping, e.g. "{ min: 1, max: 1 }"; empty: defaults.
  std::string pool;
  // check name → flow mapping of its settings. The buffer hit ratio of a throwaway server swings
  // with whatever a test just did, so that check is off: no status here may owe anything to it.
  std::map<std::string, std::string> checks{{"cache_hit", "{ enabled: false }"}};
  // The cluster's queries section as a flow mapping; empty: defaults.
  std::string queries;
};

inline std::string render_fleet(const std::vector<FleetCluster>& clusters, int http_port,
                                const std::string& state_dir) {
  std::string yaml = "daemon:\n  state_dir: " + state_dir + "\n  log: { level: info }\n";
  yaml += "http:\n  listen: 127.0.0.1:" + std::to_string(http_port) + "\n";
  yaml += "clusters:\n";
  for (const auto& cluster : clusters) {
    yaml += "  - name: " + cluster.name + "\n    members:\n";
    for (const auto& m : cluster.members) {
      std::string conninfo = "host=127.0.0.1 port=" + std::to_string(m.port) + " dbname=" + m.dbname + " user=pgvigil";
      if (!m.extra_conninfo.empty()) conninfo += " " + m.extra_conninfo;
      yaml += "      - name: " + m.name + "\n        conninfo: \"" + conninfo +
              "\"\n        password_file: " + cluster.password_file + "\n";
    }
    if (!cluster.pool.empty()) yaml += "    pool: " + cluster.pool + "\n";
    yaml += "    retry: { base: 100ms, max: 1s }\n";
    yaml += "    health:\n      interval: " + cluster.interval + "\n      recover_after: " + cluster.recover_after + "\n";
    if (!cluster.checks.empty()) {
      yaml += "      checks:\n";
      for (const auto& [check, settings] : cluster.checks) yaml += "        " + check + ": " + settings + "\n";
    }
    if (!cluster.queries.empty()) yaml += "    queries: " + cluster.queries + "\n";
  }
  yaml += "alerts:\n  sinks: []\n";
  return yaml;
}

// The real binary on a rendered fleet config; rewrite() edits the file it runs on, for a reload.
class FleetDaemon {
 public:
  FleetDaemon(const TempDir& dir, const std::vector<FleetCluster>& clusters)
      : dir_(dir), config_path_(dir / "pgvigil.yaml"), log_path_(dir / "pgvigil.log") {
    fs::create_directories(dir / "state");
    for (int attempt = 1;; ++attempt) {
      port_ = testing::free_port();
      rewrite(clusters);
      process_.emplace(testing::Subprocess::spawn({PGVIGIL_BINARY, "--config", config_path_}, {}, log_path_));
      const bool listening = testing::poll_until(
          [&] { return !process_->running() || http_get(port_, "/livez").status != 0; }, 10s);
      if (listening && process_->running()) return;
      // Another process may have taken the port between free_port() and the bind.
      if (attempt < 3 && log().find("cannot serve HTTP") != std::string::npos) {
        process_.reset();
        continue;
      }
      throw std::runtime_error("pgvigil did not start listening on port " + std::to_string(port_) + ":\n" + log());
    }
  }
  ~FleetDaemon() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait_for_exit(5s);
  }
  FleetDaemon(const FleetDaemon&) = delete;
  FleetDaemon& operator=(const FleetDaemon&) = delete;

  int port() const { return port_; }
  std::string log() const { return testing::read_file(log_path_); }
  bool running() { return process_ && process_->running(); }
  void signal(int signo) const { process_->signal(signo); }
  HttpReply get(const std::string& path) const { return http_get(port_, path); }
  Json health() const { return get("/health").json(); }

  void rewrite(const std::vector<FleetCluster>& clusters) const {
    dir_.write("pgvigil.yaml", render_fleet(clusters, port_, dir_ / "state"));
  }

  // Sends SIGHUP and waits until the daemon logged that the reload finished (the `reloads`-th).
  bool reload_by_signal(std::size_t reloads, std::chrono::milliseconds limit = 15s) const {
    signal(SIGHUP);
    return testing::poll_until([&] { return occurrences(log(), "configuration reloaded") >= reloads; }, limit, 50ms);
  }

 private:
  const TempDir& dir_;
  std::string config_path_;
  std::string log_path_;
  int port_ = 0;
  std::optional<testing::Subprocess> process_;
};

// ---------------------------------------------------------------------------------------------
// /health

inline Json cluster_in(const Json& health, const std::string& cluster) {
  if (!health.is_object() || !health.contains("clusters")) return nullptr;
  for (const auto& c : health["clusters"]) {
    if (c.value("name", "") == cluster) return c;
  }
  return nullptr;
}

inline Json member_in(const Json& health, const std::string& cluster, const std::string& member) {
  const Json c = cluster_in(health, cluster);
  if (!c.is_object() || !c.contains("members")) return nullptr;
  for (const auto& m : c["members"]) {
    if (m.value("name", "") == member) return m;
  }
  return nullptr;
}

inline bool all_members_healthy(const Json& health, const std::string& cluster) {
  const Json c = cluster_in(health, cluster);
  if (!c.is_object() || !c.contains("members") || c["members"].empty()) return false;
  for (const auto& m : c["members"]) {
    if (status_of(m) != "healthy" || !m.value("reachable", false)) return false;
  }
  return true;
}

// The member document, fetched until `done` accepts it or the limit passes; the last one seen is
// returned either way so that a failed assertion can print it.
template <class Predicate>
Json poll_member_in(const FleetDaemon& daemon, const std::string& cluster, const std::string& member,
                    Predicate&& done, std::chrono::milliseconds limit = 15s) {
  Json seen;
  testing::poll_until(
      [&] {
        seen = member_in(daemon.health(), cluster, member);
        return done(seen);
      },
      limit, std::chrono::milliseconds(50));
  return seen;
}

// "check/severity/value" of each reason, sorted: what a verdict rests on, without the measured
// numbers in the messages.
inline std::set<std::string> reason_keys(const Json& member) {
  std::set<std::string> keys;
  if (!member.is_object() || !member.contains("reasons")) return keys;
  for (const auto& r : member["reasons"]) {
    keys.insert(r.value("check", "") + "/" + r.value("severity", "") + "/" + r.value("value", ""));
  }
  return keys;
}

inline std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(none)" : out;
}

// ---------------------------------------------------------------------------------------------
// /metrics

struct Sample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Every sample of the family `name` (exactly that name, with or without labels).
inline std::vector<Sample> samples_of(const std::string& exposition, const std::string& name) {
  static const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  std::vector<Sample> out;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(name) || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    Sample sample;
    std::size_t value_at = name.size() + 1;
    if (next == '{') {
      const auto close = line.find("} ", name.size());
      if (close == std::string::npos) continue;
      const std::string labels = line.substr(name.size() + 1, close - name.size() - 1);
      for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it) {
        sample.labels[(*it)[1].str()] = (*it)[2].str();
      }
      value_at = close + 2;
    }
    try {
      sample.value = std::stod(line.substr(value_at));
    } catch (const std::exception&) {
      continue;
    }
    out.push_back(std::move(sample));
  }
  return out;
}

// The sample of `name` for one member; nullopt if there is none.
inline std::optional<double> member_sample(const std::string& exposition, const std::string& name,
                                           const std::string& cluster, const std::string& member) {
  for (const auto& s : samples_of(exposition, name)) {
    const auto c = s.labels.find("cluster");
    const auto m = s.labels.find("member");
    if (c != s.labels.end() && m != s.labels.end() && c->second == cluster && m->second == member) return s.value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The daemon's sessions on a server

// PIDs of the daemon's sessions (application_name 'pgvigil', role pgvigil) in database `dbname`
// of one server of `pg`, read as the superuser.
inline std::set<int> daemon_sessions(const testing::PgCluster& pg, int server, const std::string& dbname) {
  const auto rows = pg.exec(server,
                            "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgvigil' "
                            "AND usename = 'pgvigil' AND datname = '" + dbname + "' ORDER BY pid",
                            "postgres", 5s);
  std::set<int> pids;
  for (const auto& row : rows) pids.insert(std::stoi(row.at(0).value_or("0")));
  return pids;
}

inline std::string pid_list(const std::set<int>& pids) {
  std::string out;
  for (int pid : pids) out += (out.empty() ? "" : " ") + std::to_string(pid);
  return "{" + out + "}";
}

}  // namespace pgvigil::acceptance
