// What the probe acceptance tests share: a primary (db1) and its streaming replica (db2) watched
// by the real daemon, the probe paths, readers for the health document, and a steady writer.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {

inline const std::string kPrimaryName = "db1";
inline const std::string kReplicaName = "db2";

inline const std::string kClusterPrimary = "/clusters/c/primary";
inline const std::string kPrimaryProbe = "/clusters/c/members/" + kPrimaryName + "/primary";
inline const std::string kReplicaAsPrimaryProbe = "/clusters/c/members/" + kReplicaName + "/primary";
inline const std::string kReplicaProbe = "/clusters/c/members/" + kReplicaName + "/replica";
inline const std::string kStrictReplicaProbe = kReplicaProbe + "?max_lag_s=1";

// db1 is the primary, db2 its replica. The buffer hit ratio of a throwaway server swings with
// whatever the test just did, so that check is off: no status here may owe anything to it.
inline DaemonConfig primary_and_replica(const testing::PgCluster& pg, const std::string& interval) {
  DaemonConfig config;
  config.members = {{kPrimaryName, pg.port(testing::PgCluster::kPrimary), pg.password_file()},
                    {kReplicaName, pg.port(testing::PgCluster::kReplica), pg.password_file()}};
  config.interval = interval;
  config.checks["cache_hit"] = "{ enabled: false }";
  return config;
}

inline std::chrono::milliseconds parse_ms(const std::string& duration) {
  // Only the forms these tests write: "500ms" and "10s".
  if (duration.ends_with("ms")) return std::chrono::milliseconds(std::stoi(duration));
  return std::chrono::seconds(std::stoi(duration));
}

// A string field of a JSON document, empty when the document or the field is missing.
inline std::string text_of(const Json& object, const std::string& key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>()
                                                                              : std::string();
}

inline bool flag_of(const Json& object, const std::string& key) {
  return object.is_object() && object.contains(key) && object[key].is_boolean() && object[key].get<bool>();
}

// The phrase a probe gives for its 503.
inline std::string why_of(const HttpReply& reply) { return text_of(reply.json(), "why"); }

inline std::optional<double> lag_seconds_of(const Json& replica) {
  if (!replica.is_object() || !replica.contains("replication")) return std::nullopt;
  const Json& lag = replica["replication"]["lag_seconds"];
  return lag.is_number() ? std::optional<double>(lag.get<double>()) : std::nullopt;
}

inline std::optional<double> lag_bytes_of(const Json& replica) {
  if (!replica.is_object() || !replica.contains("replication")) return std::nullopt;
  const Json& lag = replica["replication"]["lag_bytes"];
  return lag.is_number() ? std::optional<double>(lag.get<double>()) : std::nullopt;
}

// Waits until /health is 200 with both members healthy and the replica's lag known; the last
// document seen otherwise. (A replica seen for the first time while WAL is still being replayed,
// with no commit replayed to date, has no lag in seconds yet.)
inline Json wait_all_healthy(const DaemonUnderTest& daemon, std::chrono::milliseconds limit) {
  Json health;
  testing::poll_until(
      [&] {
        const HttpReply reply = daemon.get("/health");
        health = reply.json();
        return reply.status == 200 && status_of(member_of(health, kPrimaryName)) == "healthy" &&
               status_of(member_of(health, kReplicaName)) == "healthy" &&
               lag_seconds_of(member_of(health, kReplicaName)).has_value();
      },
      limit, 50ms);
  return health;
}

// Inserts a row on the primary every 100 ms until destroyed: a steady stream of commits whose
// replay a paused replica falls behind on.
class SteadyWriter {
 public:
  explicit SteadyWriter(const testing::PgCluster& pg) : session_(pg.port(testing::PgCluster::kPrimary), "app") {
    thread_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        try {
          session_.exec("INSERT INTO probe_writes DEFAULT VALUES");
          ++rows_;
        } catch (const std::exception&) {
          ++failures_;
        }
        std::this_thread::sleep_for(100ms);  // the workload's pace, not a wait for anything
      }
    });
  }
  int rows() const { return rows_; }
  int failures() const { return failures_; }

 private:
  PgSession session_;
  std::atomic<int> rows_{0};
  std::atomic<int> failures_{0};
  std::jthread thread_;  // last: stops before the session it uses goes away
};

}  // namespace pgvigil::acceptance
