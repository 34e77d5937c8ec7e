// The status-code rules that load balancers rely on, as pure functions of a snapshot: which
// member may take writes, which may take reads, and whether a cluster or the whole daemon is
// healthy. No I/O, no clock; safe from any thread.
//
// A false 200 on a primary probe sends writes to the wrong server, so every rule answers 503
// unless all of its conditions are known to hold.
#pragma once

#include <string>

#include "health/snapshot.h"

namespace pgvigil::http {

struct ProbeResult {
  int status = 503;  // 200 or 503
  std::string why;   // for a 503: the reason in one phrase ("not streaming"); empty on 200

  bool ok() const { return status == 200; }
};

// The most a replica may lag and still take reads. Both limits apply; equal to a limit is within it.
struct LagLimits {
  double max_bytes = 0;
  double max_seconds = 0;
};

// /health: 200 unless the daemon's overall status is unhealthy (which includes having no clusters
// yet, before the first snapshot).
ProbeResult overall_health(const health::Snapshot& snapshot);

// /clusters/{c}: 200 unless the cluster is unhealthy.
ProbeResult cluster_health(const health::ClusterSnapshot& cluster);

// /clusters/{c}/primary: 200 when the cluster has a primary (in a split brain, the member on the
// highest timeline; none on a tie) that is reachable, reports the primary role and is not unhealthy.
ProbeResult cluster_primary(const health::ClusterSnapshot& cluster);

// /clusters/{c}/members/{m}/primary: 200 iff `member` is the cluster's primary, reachable, not
// fenced, reports the primary role and is not unhealthy.
ProbeResult member_primary(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member);

// /clusters/{c}/members/{m}/replica: 200 iff `member` is reachable, a replica, streaming, not
// unhealthy (degraded for other reasons is fine), and its lag in seconds and in bytes is known
// and within `limits`.
ProbeResult member_replica(const health::MemberSnapshot& member, const LagLimits& limits);

// The limits a replica probe uses when the request names none: the cluster's configured ones.
LagLimits default_lag_limits(const health::Snapshot& snapshot, std::string_view cluster);

}  // namespace pgvigil::http
