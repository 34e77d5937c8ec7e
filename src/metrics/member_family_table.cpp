#include "metrics/member_family_table.h"

#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {

void write_rows(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                std::span<const MemberFamily> rows) {
  for (const auto& row : rows) {
    const std::optional<double> value = row.read(member);
    if (!value) continue;
    if (row.role == RoleLabel::include) {
      out.add(row.family, member_labels(cluster, member, "role", std::string(health::to_string(member.role))), *value);
    } else {
      out.add(row.family, member_labels(cluster, member), *value);
    }
  }
}

void write_rows(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                std::span<const KeyedMemberFamily> rows) {
  for (const auto& row : rows) {
    for (auto& [key, value] : row.read(member)) {
      out.add(row.family, member_labels(cluster, member, row.key_label, std::move(key)), value);
    }
  }
}

}  // namespace pgvigil::metrics
