#include "pool/pool_manager.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "cluster/connect_spec.h"

namespace pgvigil::pool {
namespace {

constexpr std::chrono::milliseconds kMaintenancePeriod{1000};

}  // namespace

PoolManager::PoolManager(const config::ClusterConfig& cluster, const Clock& clock, MemberLost on_member_lost)
    : cluster_(cluster.name), clock_(clock), on_member_lost_(std::move(on_member_lost)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  for (const auto& member : cluster.members) {
    order_.push_back(member.name);
    auto spec_source = [member, cluster] { return cluster::make_connect_spec(member, cluster); };
    pools_.emplace(member.name, std::make_unique<ConnectionPool>(member.name, cluster.pool, cluster.retry,
                                                                 std::move(spec_source), clock_, interrupter_,
                                                                 [this] { wake_maintenance(); }));
  }
  maintenance_ = std::jthread([this](std::stop_token stop) { maintenance_loop(stop); });
}

PoolManager::~PoolManager() {
  interrupter_.fire();
  maintenance_.request_stop();
  wake_maintenance();
  if (maintenance_.joinable()) maintenance_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void PoolManager::wake_maintenance() {
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0) [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

ConnectionPool* PoolManager::pool(const std::string& member) {
  auto it = pools_.find(member);
  return it == pools_.end() ? nullptr : it->second.get();
}

std::expected<Lease, db::Error> PoolManager::acquire_primary() {
  const auto primary = topology().primary;
  if (!primary) {
    return std::unexpected(db::Error{db::ErrorKind::connection, "", "cluster " + cluster_ + " has no primary", true,
                                     "check the members' health; a replica may need promoting"});
  }
  return pools_.at(*primary)->acquire();
}

std::expected<std::pair<std::string, Lease>, db::Error> PoolManager::acquire_for_read() {
  std::vector<std::string> candidates;
  std::optional<std::string> primary;
  {
    std::lock_guard lock(mutex_);
    primary = topology_.primary;
    for (const auto& name : order_) {
      auto it = reports_.find(name);
      if (it != reports_.end() && it->second.reachable && it->second.in_recovery) candidates.push_back(name);
    }
  }
  if (primary) candidates.push_back(*primary);
  std::optional<db::Error> last;
  for (const auto& name : candidates) {
    auto lease = pools_.at(name)->acquire();
    if (lease) return std::pair{name, std::move(*lease)};
    last = lease.error();
  }
  return std::unexpected(last.value_or(db::Error{db::ErrorKind::connection, "", "no reachable member in cluster " +
                                                 cluster_, true, "check the members' health"}));
}

void PoolManager::report_role(const RoleReport& report) {
  std::lock_guard lock(mutex_);
  reports_[report.member] = report;
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
  std::vector<std::pair<std::string, PoolStats>> out;
  for (const auto& name : order_) out.emplace_back(name, pools_.at(name)->stats());
  return out;
}

void PoolManager::maintenance_loop(std::stop_token stop) {
  pthread_setname_np(pthread_self(), ("pool-" + cluster_).substr(0, 15).c_str());
  std::vector<pollfd> fds;
  while (!stop.stop_requested()) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    for (const auto& name : order_) {
      auto& pool = *pools_.at(name);
      auto result = pool.maintain();
      if (result.lost) {
        pool.close_idle();  // its other sessions went with the server
        spdlog::warn("cluster={} member={} closed its monitoring sessions; re-checking now", cluster_, name);
        report_unreachable(name);
        if (on_member_lost_) on_member_lost_(name);
        continue;
      }
      for (int fd : result.idle_sockets) fds.push_back({fd, POLLIN, 0});
    }
    if (stop.stop_requested()) break;
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(kMaintenancePeriod.count()));
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
      std::uint64_t drained = 0;
      [[maybe_unused]] auto n = ::read(wake_fd_, &drained, sizeof drained);
    }
  }
}

}  // namespace pgvigil::pool
