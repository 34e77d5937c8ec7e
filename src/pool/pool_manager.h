// The pools of one cluster's members and what the cluster looks like: who is the primary, split
// brain, foreign members. It owns no pool and no thread: each member's runtime owns its pool and
// attaches it here while it is the member in service (a member being rebuilt after a reload runs
// beside it, unattached, until its first full cycle). Thread-safe.
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pool/connection_pool.h"
#include "pool/topology.h"

namespace pgvigil::pool {

class PoolManager {
 public:
  explicit PoolManager(std::string cluster) : cluster_(std::move(cluster)) {}
  PoolManager(const PoolManager&) = delete;
  PoolManager& operator=(const PoolManager&) = delete;

  // Puts `pool` in service for `member` (replacing any other), or takes the member out (and
  // forgets what it said of itself).
  void attach(const std::string& member, std::shared_ptr<ConnectionPool> pool);
  void detach(const std::string& member);
  void set_order(std::vector<std::string> members);  // config order, for reads and stats

  // The member's pool in service; null for an unknown name.
  std::shared_ptr<ConnectionPool> pool(const std::string& member) const;

  // Work that must run on the primary (e.g. signalling a backend there) goes to it only.
  std::expected<Lease, db::Error> acquire_primary(Purpose purpose = Purpose::other);
  // Read-only monitoring work: a reachable replica if there is one, else the primary.
  std::expected<std::pair<std::string, Lease>, db::Error> acquire_for_read();

  // What a member said of itself in its last cycle; updates the topology.
  void report_role(const RoleReport& report);
  void report_unreachable(const std::string& member);
  Topology topology() const;

  std::vector<std::pair<std::string, PoolStats>> stats() const;

 private:
  void resolve();  // with mutex_ held

  const std::string cluster_;
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, std::shared_ptr<ConnectionPool>> pools_;
  std::map<std::string, RoleReport> reports_;
  Topology topology_;
};

}  // namespace pgvigil::pool
