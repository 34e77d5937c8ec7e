// A fleet of clusters built by hand for the tests of the per-cluster render caches (/metrics
// fragments, /health documents). Clusters differ in shape so that a family can first appear in
// a later cluster: `primary_only` clusters have no replica (and so no replication families), the
// others a lagging replica and a member out of reach. Some values need escaping in the text
// format and in JSON.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "member_builders.h"

namespace pgvigil::builders {

inline health::MemberSnapshot busy_member(std::string name, health::MemberRole role, double latency_ms) {
  health::MemberSnapshot m = healthy_member(std::move(name), role, 2);
  m.latency_ms = latency_ms;
  m.connections = health::ConnectionsView{
      .used = 7, .max = 100, .reserved = 3, .by_state = {{"active", 2}, {"idle", 5}, {"odd \"state\"\\\n", 1}}};
  m.values = {{"connections", 0.07}, {"wraparound", 0.12}};
  m.check_seconds = {{"connections", 0.002}, {"wraparound", 0.004}};
  m.database_size_bytes = 8'000'000;
  m.pool = {.total = 2, .idle = 1, .in_use = 1, .max = 2, .acquires = 500, .acquire_wait_seconds_total = 0.3,
            .acquire_wait_counts = {490, 8, 0, 0, 0, 0, 0, 0, 2}, .connects = 2};
  m.cycles = 60;
  m.last_cycle_seconds = 0.01;
  return m;
}

inline health::ClusterSnapshot fleet_cluster(std::string name, bool primary_only, double latency_ms = 0.4) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  c.status = health::Status::healthy;
  c.primary = "db1";
  c.members = {busy_member("db1", health::MemberRole::primary, latency_ms)};
  if (primary_only) return c;
  health::MemberSnapshot replica = busy_member("db2", health::MemberRole::replica, latency_ms * 2);
  replica.status = health::Status::degraded;
  replica.replication = {.lag_seconds = 14.2, .lag_bytes = 1.5e6, .streaming = true};
  replica.reasons = {described_reason("replication_lag", health::Severity::warning)};
  health::MemberSnapshot down = busy_member("db3", health::MemberRole::unknown, 0);
  down.reachable = false;
  down.status = health::Status::unhealthy;
  down.error = "connection refused: caf\xe9";  // a server message that is not UTF-8
  down.connections.reset();
  down.reasons = {described_reason("unreachable", health::Severity::critical)};
  down.pool.circuit = pool::CircuitState::open;
  c.members.push_back(std::move(replica));
  c.members.push_back(std::move(down));
  c.status = health::Status::degraded;
  return c;
}

// "c0", "c1", ...: every third cluster has its primary only, the first of them included.
inline std::vector<health::ClusterSnapshotPtr> fleet(int clusters) {
  std::vector<health::ClusterSnapshotPtr> out;
  for (int i = 0; i < clusters; ++i) out.push_back(shared(fleet_cluster("c" + std::to_string(i), i % 3 == 0)));
  return out;
}

}  // namespace pgvigil::builders
