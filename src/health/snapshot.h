// What the daemon knows, frozen: an immutable Snapshot built by the workers after each cycle and
// swapped in atomically. HTTP handlers and the metrics collector read only snapshots, so no
// request ever waits on a database or a lock held across I/O. Plain values throughout; a
// Snapshot is never modified after publication, so any thread may read it.
//
// Each cluster's part is its own immutable object, shared by every daemon snapshot published
// while none of that cluster's members published anything new: building a daemon snapshot costs
// a pointer per cluster, and readers cache what they derive from a cluster by the identity of its
// ClusterSnapshot (holding the pointer, so that a freed object's address cannot come back as a
// different cluster's).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "health/status.h"
#include "pool/pool_stats.h"
#include "util/clock.h"

namespace pgvigil::alerts {
struct AlertsView;  // alerts/alerts_view.h
}
namespace pgvigil::queries {
struct ActionHistory;    // queries/action_history.h
struct IntervalHistory;  // queries/interval_history.h
}

namespace pgvigil::health {

enum class MemberRole { unknown, primary, replica };
std::string_view to_string(MemberRole role);

struct ReplicationView {       // a replica's view of itself
  std::optional<double> lag_seconds;
  std::optional<double> lag_bytes;
  bool streaming = false;       // WAL receiver status = streaming
  bool replay_paused = false;
  std::optional<double> heartbeat_age_seconds{};  // write_probe: age of the newest heartbeat replayed
};

struct ConnectionsView {
  int used = 0;                 // client sessions, the daemon's own left out
  int max = 0;                  // max_connections
  int reserved = 0;             // superuser_reserved_connections
  std::map<std::string, int> by_state;  // active, idle, idle in transaction, ...
};

struct MemberSnapshot {
  std::string name;
  MemberRole role = MemberRole::unknown;
  bool reachable = false;
  bool checked = false;         // at least one cycle finished
  Status status = Status::unhealthy;  // after flap damping
  std::vector<Reason> reasons;
  std::vector<std::string> recommendations;
  std::string error;            // why it is unreachable (redacted); empty when reachable
  WallTime checked_at{};
  SteadyTime checked_steady{};
  double latency_ms = 0;
  int server_version = 0;
  std::int64_t timeline = 0;
  std::string system_identifier;
  bool fenced = false;          // claims primary but is not taken as it (split brain)
  bool foreign = false;         // another cluster's server
  ReplicationView replication;  // meaningful when role == replica
  std::optional<ConnectionsView> connections;
  std::map<std::string, double> values;             // check → observed value in base units
  std::map<std::string, double> check_seconds;      // check → time its query took
  std::optional<std::int64_t> database_size_bytes;  // of the monitoring database
  pool::PoolStats pool;
  std::uint64_t cycles = 0;
  std::uint64_t cycle_overruns = 0;
  double cycle_delay_seconds = 0;  // how late the last health cycle started: the daemon's lateness
  double last_cycle_seconds = 0;
};

struct ClusterSnapshot {
  std::string name;
  Status status = Status::unhealthy;
  std::optional<std::string> primary;  // the member taken as primary, if any
  bool split_brain = false;
  std::vector<Reason> reasons;          // cluster-level: no_primary, split_brain, foreign_member
  std::vector<MemberSnapshot> members;  // config order

  const MemberSnapshot* member(std::string_view name) const;
};

using ClusterSnapshotPtr = std::shared_ptr<const ClusterSnapshot>;

// Per-cluster defaults for the replica probe's lag limits (from health.checks.replication_lag).
struct ProbeDefaults {
  double max_lag_seconds = 10;
  double max_lag_bytes = 16.0 * 1024 * 1024;
};

using ProbeDefaultsByCluster = std::map<std::string, ProbeDefaults, std::less<>>;

struct Snapshot {
  WallTime taken_at{};
  SteadyTime taken_steady{};
  std::string version;
  bool ready = false;                    // config loaded and a first cycle completed everywhere
  bool live = true;                      // every worker loop advanced recently
  bool config_reload_ok = true;
  std::vector<ClusterSnapshotPtr> clusters;  // config order; never null
  // By cluster name; shared by every snapshot until a reload (each member's cycle publishes one).
  std::shared_ptr<const ProbeDefaultsByCluster> probe_defaults{};  // null: every cluster takes the built-in limits
  std::shared_ptr<const queries::ActionHistory> actions{};  // the canceller's records; null in --once
  std::shared_ptr<const queries::IntervalHistory> statements{};  // pg_stat_statements intervals; null in --once
  std::shared_ptr<const alerts::AlertsView> alerts{};  // the alert engine's last pass; null in --once

  const ClusterSnapshot* cluster(std::string_view name) const;
  ClusterSnapshotPtr shared_cluster(std::string_view name) const;  // the same, for readers that cache by it
  Status status() const;  // the worst cluster status; unhealthy when there is none
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace pgvigil::health
