#include "pool/pool_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pgvigil::pool {

void PoolManager::attach(const std::string& member, std::shared_ptr<ConnectionPool> pool) {
  std::lock_guard lock(mutex_);
  pools_[member] = std::move(pool);
  if (std::ranges::find(order_, member) == order_.end()) order_.push_back(member);
}

void PoolManager::detach(const std::string& member) {
  std::shared_ptr<ConnectionPool> gone;  // released outside the lock
  std::lock_guard lock(mutex_);
  if (auto it = pools_.find(member); it != pools_.end()) {
    gone = std::move(it->second);
    pools_.erase(it);
  }
  std::erase(order_, member);
  if (reports_.erase(member) > 0) resolve();
}

void PoolManager::set_order(std::vector<std::string> members) {
  std::lock_guard lock(mutex_);
  order_ = std::move(members);
}

std::shared_ptr<ConnectionPool> PoolManager::pool(const std::string& member) const {
  std::lock_guard lock(mutex_);
  auto it = pools_.find(member);
  return it == pools_.end() ? nullptr : it->second;
}

std::expected<Lease, db::Error> PoolManager::acquire_primary(Purpose purpose) {
  std::shared_ptr<ConnectionPool> pool;
  {
    std::lock_guard lock(mutex_);
    if (topology_.primary) {
      if (auto it = pools_.find(*topology_.primary); it != pools_.end()) pool = it->second;
    }
  }
  if (!pool) {
    return std::unexpected(db::Error{db::ErrorKind::connection, "", "cluster " + cluster_ + " has no primary", true,
                                     "check the members' health; a replica may need promoting"});
  }
  auto lease = pool->acquire(purpose);
  if (lease) lease->keep_pool(std::move(pool));
  return lease;
}

std::expected<std::pair<std::string, Lease>, db::Error> PoolManager::acquire_for_read() {
  std::vector<std::pair<std::string, std::shared_ptr<ConnectionPool>>> candidates;
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : order_) {
      auto report = reports_.find(name);
      auto pool = pools_.find(name);
      if (report != reports_.end() && report->second.reachable && report->second.in_recovery && pool != pools_.end()) {
        candidates.emplace_back(name, pool->second);
      }
    }
    if (topology_.primary) {
      if (auto it = pools_.find(*topology_.primary); it != pools_.end()) candidates.emplace_back(it->first, it->second);
    }
  }
  std::optional<db::Error> last;
  for (auto& [name, pool] : candidates) {
    auto lease = pool->acquire();
    if (lease) {
      lease->keep_pool(std::move(pool));
      return std::pair{name, std::move(*lease)};
    }
    last = lease.error();
  }
  return std::unexpected(last.value_or(db::Error{db::ErrorKind::connection, "", "no reachable member in cluster " +
                                                 cluster_, true, "check the members' health"}));
}

void PoolManager::report_role(const RoleReport& report) {
  std::lock_guard lock(mutex_);
  reports_[report.member] = report;
  resolve();
}

void PoolManager::resolve() {
  std::vector<RoleReport> all;
  for (const auto& [name, r] : reports_) all.push_back(r);
  auto next = resolve_topology(all, topology_.system_identifier);
  if (next.primary != topology_.primary) {
    spdlog::info("cluster={} primary is now {}", cluster_, next.primary.value_or("(none)"));
  }
  if (next.split_brain && !topology_.split_brain) {
    spdlog::error("cluster={} split brain: {} member(s) claim to be primary; fenced: {}", cluster_,
                  next.fenced.size() + (next.primary ? 1 : 0), fmt::join(next.fenced, ", "));
  }
  topology_ = std::move(next);
}

void PoolManager::report_unreachable(const std::string& member) {
  report_role(RoleReport{member, false, false, 0, ""});
}

Topology PoolManager::topology() const {
  std::lock_guard lock(mutex_);
  return topology_;
}

std::vector<std::pair<std::string, PoolStats>> PoolManager::stats() const {
  std::vector<std::pair<std::string, std::shared_ptr<ConnectionPool>>> pools;
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : order_) {
      if (auto it = pools_.find(name); it != pools_.end()) pools.emplace_back(name, it->second);
    }
  }
  std::vector<std::pair<std::string, PoolStats>> out;
  for (const auto& [name, pool] : pools) out.emplace_back(name, pool->stats());
  return out;
}

}  // namespace pgvigil::pool
