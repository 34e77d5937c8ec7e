// Snapshot parts built by hand for the HTTP and metrics tests: a member in good health in either role, and a
// reason, bare or with the words a person would read. A replica is streaming, 1 s and 4 kB behind. Clusters
// go into a snapshot shared, as the daemon publishes them.
#pragma once

#include <cstdint>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "health/snapshot.h"

namespace pgvigil::builders {

inline health::MemberSnapshot healthy_member(std::string name, health::MemberRole role, std::int64_t timeline = 1) {
  health::MemberSnapshot m;
  m.name = std::move(name);
  m.role = role;
  m.reachable = true;
  m.checked = true;
  m.status = health::Status::healthy;
  m.timeline = timeline;
  if (role == health::MemberRole::replica) m.replication = {1.0, 4096, true, false, std::nullopt};
  return m;
}

inline health::Reason bare_reason(std::string check, health::Severity severity) {
  health::Reason r;
  r.check = std::move(check);
  r.severity = severity;
  return r;
}

inline health::Reason described_reason(std::string check, health::Severity severity) {
  health::Reason r = bare_reason(std::move(check), severity);
  r.message = r.check + " crossed its threshold";
  r.value = "v";
  r.threshold = "t";
  return r;
}

inline health::ClusterSnapshotPtr shared(health::ClusterSnapshot cluster) {
  return std::make_shared<const health::ClusterSnapshot>(std::move(cluster));
}

inline std::vector<health::ClusterSnapshotPtr> shared(std::vector<health::ClusterSnapshot> clusters) {
  std::vector<health::ClusterSnapshotPtr> out;
  out.reserve(clusters.size());
  for (auto& cluster : clusters) out.push_back(shared(std::move(cluster)));
  return out;
}

}  // namespace pgvigil::builders
