// Families about the daemon's own connection pool to each member. Counters are the pool's
// lifetime totals; they restart from zero only with the daemon.
#include <array>

#include "metrics/member_family_table.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

using health::MemberSnapshot;
using Value = std::optional<double>;

// Half-open still refuses all but one probe, so for alerting it is open.
bool circuit_open(const MemberSnapshot& m) { return m.pool.circuit != pool::CircuitState::closed; }

constexpr std::array kPoolFamilies{
    MemberFamily{{"pgvigil_pool_waiting", "Callers blocked waiting for a pooled connection."},
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.waiting); }},
    MemberFamily{{"pgvigil_pool_max", "Most connections the pool may hold."},
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.max); }},
    MemberFamily{counter("pgvigil_pool_acquires_total", "Connections handed out by the pool."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.acquires); }},
    MemberFamily{counter("pgvigil_pool_acquire_timeouts_total", "Acquires that gave up waiting for a connection."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.acquire_timeouts); }},
    MemberFamily{counter("pgvigil_pool_connects_total", "Connections the pool opened."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.connects); }},
    MemberFamily{counter("pgvigil_pool_connect_failures_total", "Connection attempts that failed."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.connect_failures); }},
    MemberFamily{counter("pgvigil_pool_validations_failed_total", "Idle connections that failed validation."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.validations_failed); }},
    MemberFamily{counter("pgvigil_pool_rotations_total", "Connections closed for reaching max_lifetime."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.rotations); }},
    MemberFamily{counter("pgvigil_pool_idle_closed_total", "Connections closed for exceeding idle_timeout."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.idle_closed); }},
    MemberFamily{counter("pgvigil_pool_lost_connections_total", "Idle connections found closed by the server."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.pool.lost_detected); }},
    MemberFamily{{"pgvigil_pool_circuit_open", "1 while the connect circuit is open or half-open."},
                 [](const MemberSnapshot& m) -> Value { return flag(circuit_open(m)); }},
};

constexpr std::array kPoolKeyedFamilies{
    KeyedMemberFamily{{"pgvigil_pool_connections", "Pooled connections by state: idle or in_use."}, "state",
                      [](const MemberSnapshot& m) {
                        return KeyedMemberFamily::Values{{"idle", as_double(m.pool.idle)},
                                                         {"in_use", as_double(m.pool.in_use)}};
                      }},
};

constexpr FamilySpec kWait = histogram(
    "pgvigil_pool_wait_seconds", "Time callers waited to acquire a pooled connection, timeouts and failures included.");

}  // namespace

void write_pool_families(FamilyWriter& out, const health::ClusterSnapshot& cluster, const MemberSnapshot& member) {
  write_rows(out, cluster, member, kPoolKeyedFamilies);
  write_rows(out, cluster, member, kPoolFamilies);
  out.add_histogram(kWait, member_labels(cluster, member), pool::kAcquireWaitBounds, member.pool.acquire_wait_counts,
                    member.pool.acquire_wait_seconds_total);
}

}  // namespace pgvigil::metrics
