// A fleet's health snapshot made up for the render benchmarks: clusters of a primary and a
// streaming replica, each member with what a real cycle records (a reading and a query time per
// check, sessions by state, pool counters): about 4.2 kB of /metrics text a member, 2.1 MB for
// 500 members, a little more than the 500-member daemon served (1.9 MB).
// replace_cluster() stands for one member's cycle: a new ClusterSnapshot for that cluster, the
// others shared with the snapshot before.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "health/snapshot.h"

namespace pgvigil::bench {

// Fewer than a member of the daemon reports, so that the text's size stays near the issue's.
inline const char* const kChecks[] = {"connections", "long_running", "idle_in_transaction", "cache_hit", "wraparound"};

inline health::MemberSnapshot synthetic_member(std::string name, health::MemberRole role, double cycle) {
  health::MemberSnapshot m;
  m.name = std::move(name);
  m.role = role;
  m.reachable = true;
  m.checked = true;
  m.status = health::Status::healthy;
  m.latency_ms = 0.4 + cycle / 1000;
  m.server_version = 150004;
  m.timeline = 3;
  m.system_identifier = "7301234567890123456";
  m.connections = health::ConnectionsView{
      .used = 42, .max = 200, .reserved = 3,
      .by_state = {{"active", 4}, {"idle", 30}, {"idle in transaction", 2}}};
  for (const char* check : kChecks) {
    m.values[check] = 0.07 + cycle / 100;
    m.check_seconds[check] = 0.0004;
  }
  m.database_size_bytes = 8'000'000'000;
  m.pool = {.total = 2, .idle = 1, .in_use = 1, .max = 4, .acquires = 1000 + static_cast<std::uint64_t>(cycle),
            .acquire_wait_seconds_total = 0.3, .acquire_wait_counts = {990, 8, 2, 0, 0, 0, 0, 0, 0}, .connects = 2};
  m.cycles = 60 + static_cast<std::uint64_t>(cycle);
  m.last_cycle_seconds = 0.012;
  if (role == health::MemberRole::replica) {
    m.replication = {.lag_seconds = 0.2, .lag_bytes = 4096, .streaming = true, .heartbeat_age_seconds = 0.8};
  }
  return m;
}

// `cycle` makes the values differ from one version of the cluster to the next.
inline health::ClusterSnapshotPtr synthetic_cluster(std::size_t index, double cycle = 0) {
  auto c = std::make_shared<health::ClusterSnapshot>();
  c->name = "cluster-" + std::to_string(index);
  c->status = health::Status::healthy;
  c->primary = "primary";
  c->members = {synthetic_member("primary", health::MemberRole::primary, cycle),
                synthetic_member("replica", health::MemberRole::replica, cycle)};
  return c;
}

inline health::SnapshotPtr synthetic_snapshot(std::size_t clusters) {
  auto s = std::make_shared<health::Snapshot>();
  s->taken_at = WallTime{} + std::chrono::hours(24 * 365 * 56);
  s->version = "0.1.0";
  s->ready = true;
  for (std::size_t i = 0; i < clusters; ++i) s->clusters.push_back(synthetic_cluster(i));
  return s;
}

// The next daemon snapshot after a cycle of a member of cluster `index`.
inline health::SnapshotPtr replace_cluster(const health::SnapshotPtr& before, std::size_t index, double cycle) {
  auto s = std::make_shared<health::Snapshot>(*before);
  s->taken_at += std::chrono::milliseconds(10);
  s->clusters[index] = synthetic_cluster(index, cycle);
  return s;
}

// The next daemon snapshot with no cluster changed (the once-a-second refresh of ages and flags).
inline health::SnapshotPtr refreshed(const health::SnapshotPtr& before) {
  auto s = std::make_shared<health::Snapshot>(*before);
  s->taken_at += std::chrono::seconds(1);
  return s;
}

}  // namespace pgvigil::bench
