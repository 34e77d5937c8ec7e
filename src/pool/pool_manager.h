// The pools of one cluster's members, and what the cluster looks like: who is the primary,
// split brain, foreign members. Runs one maintenance thread that refills, closes idle and
// expired sessions and watches the sockets of idle sessions, so that a server that dies (its
// sockets close within milliseconds) is noticed at once and `on_member_lost` is called,
// independent of the health interval. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "db/interrupter.h"
#include "pool/connection_pool.h"
#include "pool/topology.h"
#include "util/clock.h"

namespace pgvigil::pool {

class PoolManager {
 public:
  using MemberLost = std::function<void(const std::string& member)>;

  PoolManager(const config::ClusterConfig& cluster, const Clock& clock, MemberLost on_member_lost);
  ~PoolManager();  // fires the interrupter, stops the maintenance thread
  PoolManager(const PoolManager&) = delete;
  PoolManager& operator=(const PoolManager&) = delete;

  // The member's own pool; nullptr for an unknown name.
  ConnectionPool* pool(const std::string& member);

  // Work that must run on the primary (e.g. signalling a backend there) goes to it only.
  std::expected<Lease, db::Error> acquire_primary();
  // Read-only monitoring work: a reachable replica if there is one, else the primary.
  std::expected<std::pair<std::string, Lease>, db::Error> acquire_for_read();

  // What a member said of itself in its last cycle; updates the topology.
  void report_role(const RoleReport& report);
  void report_unreachable(const std::string& member);
  Topology topology() const;

  std::vector<std::pair<std::string, PoolStats>> stats() const;

  // Ends every database wait of this cluster at once (shutdown).
  void interrupt() { interrupter_.fire(); }

 private:
  void maintenance_loop(std::stop_token stop);
  void wake_maintenance();

  const std::string cluster_;
  const Clock& clock_;
  const MemberLost on_member_lost_;
  db::Interrupter interrupter_;
  int wake_fd_ = -1;
  std::vector<std::string> order_;  // members in config order
  std::map<std::string, std::unique_ptr<ConnectionPool>> pools_;

  mutable std::mutex mutex_;
  std::map<std::string, RoleReport> reports_;
  Topology topology_;

  std::jthread maintenance_;  // last: uses everything above
};

}  // namespace pgvigil::pool
