// Families about what a member's server is doing: replication, connections, check readings and
// database size. A reading the last cycle did not produce is left out rather than shown as 0.
#include <algorithm>
#include <array>

#include "metrics/member_family_table.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

using health::MemberSnapshot;
using Value = std::optional<double>;

// A replica's view of its own replication means nothing on a primary, nor once out of reach.
bool replicating(const MemberSnapshot& m) { return m.reachable && m.role == health::MemberRole::replica; }

Value replica_reading(const MemberSnapshot& m, const std::optional<double>& reading) {
  return replicating(m) ? reading : std::nullopt;
}

Value used_connections(const MemberSnapshot& m) {
  if (!m.connections) return std::nullopt;
  return as_double(m.connections->used);
}

// Counted against what a non-superuser can open: the monitor and most clients are not superusers.
Value usable_connections(const MemberSnapshot& m) {
  if (!m.connections) return std::nullopt;
  return as_double(std::max(m.connections->max - m.connections->reserved, 0));
}

Value database_size(const MemberSnapshot& m) {
  if (!m.database_size_bytes) return std::nullopt;
  return as_double(*m.database_size_bytes);
}

constexpr std::array kWorkloadFamilies{
    MemberFamily{{"pgvigil_replication_lag_seconds", "Replay lag of a replica behind its primary."},
                 [](const MemberSnapshot& m) { return replica_reading(m, m.replication.lag_seconds); }},
    MemberFamily{{"pgvigil_replication_lag_bytes", "Bytes of WAL a replica has yet to replay to catch up."},
                 [](const MemberSnapshot& m) { return replica_reading(m, m.replication.lag_bytes); }},
    MemberFamily{{"pgvigil_replication_heartbeat_age_seconds",
                  "Age of the newest write_probe heartbeat a replica has replayed (end-to-end lag)."},
                 [](const MemberSnapshot& m) { return replica_reading(m, m.replication.heartbeat_age_seconds); }},
    MemberFamily{{"pgvigil_replication_streaming", "1 when a replica's WAL receiver is streaming."},
                 [](const MemberSnapshot& m) { return when(replicating(m), flag(m.replication.streaming)); }},
    MemberFamily{{"pgvigil_replication_replay_paused", "1 when WAL replay on a replica is paused."},
                 [](const MemberSnapshot& m) { return when(replicating(m), flag(m.replication.replay_paused)); }},
    MemberFamily{{"pgvigil_connections_used", "Client sessions on the server, the daemon's own left out."},
                 used_connections},
    MemberFamily{{"pgvigil_connections_max", "Sessions non-superusers may open: max_connections minus reserved."},
                 usable_connections},
    MemberFamily{{"pgvigil_database_size_bytes", "Size of the database the daemon connects to."}, database_size},
};

constexpr std::array kWorkloadKeyedFamilies{
    KeyedMemberFamily{{"pgvigil_connections", "Client sessions on the server by state."}, "state",
                      [](const MemberSnapshot& m) {
                        return m.connections ? keyed(m.connections->by_state) : KeyedMemberFamily::Values{};
                      }},
    KeyedMemberFamily{{"pgvigil_check_value", "Value a check observed in its last run, in base units."}, "check",
                      [](const MemberSnapshot& m) { return keyed(m.values); }},
    KeyedMemberFamily{{"pgvigil_check_duration_seconds", "Time a check's query took in its last run."}, "check",
                      [](const MemberSnapshot& m) { return keyed(m.check_seconds); }},
};

}  // namespace

void write_workload_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                             const MemberSnapshot& member) {
  write_rows(out, cluster, member, kWorkloadFamilies);
  write_rows(out, cluster, member, kWorkloadKeyedFamilies);
}

}  // namespace pgvigil::metrics
