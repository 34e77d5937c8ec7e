// Families about each member's state: reachability, status and why, identity, and its worker.
#include <array>
#include <set>
#include <utility>

#include "metrics/member_family_table.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

using health::MemberSnapshot;
using Value = std::optional<double>;

constexpr std::array kMemberFamilies{
    MemberFamily{{"pgvigil_member_up", "1 when the member answered its last check."},
                 [](const MemberSnapshot& m) -> Value { return flag(m.reachable); }, RoleLabel::include},
    MemberFamily{{"pgvigil_member_status", "Member status after flap damping: 0 healthy, 1 degraded, 2 unhealthy."},
                 [](const MemberSnapshot& m) -> Value { return as_double(m.status); }, RoleLabel::include},
    MemberFamily{{"pgvigil_member_fenced", "1 when the member claims to be primary but is not taken as it."},
                 [](const MemberSnapshot& m) -> Value { return flag(m.fenced); }},
    MemberFamily{{"pgvigil_member_foreign", "1 when the member is a server of another cluster."},
                 [](const MemberSnapshot& m) -> Value { return flag(m.foreign); }},
    MemberFamily{{"pgvigil_member_latency_seconds", "Connect and round-trip latency of the last check."},
                 [](const MemberSnapshot& m) { return when(m.reachable, m.latency_ms / 1000.0); }},
    MemberFamily{{"pgvigil_member_timeline", "WAL timeline the member is on."},
                 [](const MemberSnapshot& m) { return when(m.reachable && m.timeline > 0, as_double(m.timeline)); }},
    MemberFamily{counter("pgvigil_cycles_total", "Check cycles the member's worker has finished."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.cycles); }},
    MemberFamily{counter("pgvigil_cycle_overruns_total", "Check cycles that took longer than the check interval."),
                 [](const MemberSnapshot& m) -> Value { return as_double(m.cycle_overruns); }},
    MemberFamily{{"pgvigil_cycle_duration_seconds", "Duration of the member's last check cycle."},
                 [](const MemberSnapshot& m) { return when(m.cycles > 0, m.last_cycle_seconds); }},
    MemberFamily{{"pgvigil_cycle_delay_seconds",
                  "How late the member's last check cycle started after it was due: pgvigil's own lateness."},
                 [](const MemberSnapshot& m) { return when(m.cycles > 0, m.cycle_delay_seconds); }},
};

constexpr FamilySpec kReasons{"pgvigil_member_reasons",
                              "1 for each check and severity behind the member's current status."};

// Several reasons may share a check and severity (lag in seconds and in bytes, say); one series
// each keeps the label sets unique, as the exposition format requires.
void write_reasons(FamilyWriter& out, const health::ClusterSnapshot& cluster, const MemberSnapshot& member) {
  std::set<std::pair<std::string_view, health::Severity>> written;
  for (const auto& reason : member.reasons) {
    if (!written.emplace(reason.check, reason.severity).second) continue;
    Labels labels = member_labels(cluster, member, "check", reason.check);
    labels.push_back({"severity", std::string(health::to_string(reason.severity))});
    out.add(kReasons, std::move(labels), 1);
  }
}

constexpr FamilySpec kSchemaProblems{"pgvigil_schema_problems",
                                    "Problems the schema check found on the primary, by kind (missing_table, "
                                    "checksum_mismatch, ...)."};

// One series per kind the primary's schema check reports; its reasons are capped per kind, the
// count each carries is not. Members without the check (replicas, clusters without a schema
// section) have no checks.schema value and no series.
void write_schema_problems(FamilyWriter& out, const health::ClusterSnapshot& cluster, const MemberSnapshot& member) {
  if (!member.values.contains("schema")) return;
  std::set<std::string_view> written;
  for (const auto& reason : member.reasons) {
    if (reason.check != "schema" || !written.insert(reason.value).second) continue;
    out.add(kSchemaProblems, member_labels(cluster, member, "kind", reason.value), reason.number);
  }
}

}  // namespace

void write_member_families(FamilyWriter& out, const health::ClusterSnapshot& cluster, const MemberSnapshot& member) {
  write_rows(out, cluster, member, kMemberFamilies);
  write_reasons(out, cluster, member);
  write_schema_problems(out, cluster, member);
}

}  // namespace pgvigil::metrics
