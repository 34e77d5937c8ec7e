// Table rows that turn one member's snapshot into samples, so that each per-member family is a
// single entry in a table: its spec and how to read its value. Rows are constant data; the
// writers are pure. Any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "metrics/metric_family_writer.h"

namespace pgvigil::metrics {

enum class RoleLabel { omit, include };

// One sample per member; an empty optional means "not known now" and produces no sample.
struct MemberFamily {
  using Read = std::optional<double> (*)(const health::MemberSnapshot&);
  FamilySpec family;
  Read read;
  RoleLabel role = RoleLabel::omit;
};

// One sample per key (a state, a check), the key becoming the value of `key_label`.
struct KeyedMemberFamily {
  using Values = std::vector<std::pair<std::string, double>>;
  using Read = Values (*)(const health::MemberSnapshot&);
  FamilySpec family;
  std::string_view key_label;
  Read read;
};

void write_rows(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                std::span<const MemberFamily> rows);
void write_rows(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                std::span<const KeyedMemberFamily> rows);

// Explicit, so that 64-bit counters and timelines convert visibly.
template <typename Number>
double as_double(Number value) {
  return static_cast<double>(value);
}

inline std::optional<double> when(bool known, double value) {
  return known ? std::optional<double>(value) : std::nullopt;
}

template <typename Map>
KeyedMemberFamily::Values keyed(const Map& map) {
  KeyedMemberFamily::Values values;
  values.reserve(map.size());
  for (const auto& [key, value] : map) values.emplace_back(key, as_double(value));
  return values;
}

}  // namespace pgvigil::metrics
