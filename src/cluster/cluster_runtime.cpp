#include "cluster/cluster_runtime.h"

#include "health/cluster_view.h"

namespace pgvigil::cluster {

ClusterRuntime::ClusterRuntime(const config::ClusterConfig& config, const Clock& clock, std::function<void()> on_change,
                               queries::ActionJournal* actions, queries::IntervalJournal* statements)
    : name_(config.name), interval_(config.health.interval), on_change_(std::move(on_change)) {
  std::lock_guard lock(monitors_mutex_);
  pools_ = std::make_unique<pool::PoolManager>(config, clock,
                                               [this](const std::string& member) { on_member_lost(member); });
  const bool sampled = statements != nullptr && config.queries.statements;
  const auto changed = [this] {
    if (on_change_) on_change_();
  };
  for (const auto& member : config.members) {
    monitors_.push_back(std::make_unique<MemberMonitor>(config, member, *pools_, clock, changed,
                                                        sampled ? &statements_availability_ : nullptr));
    if (sampled) {
      statement_samplers_.push_back(std::make_unique<StatementsMonitor>(config, member, *pools_, clock, *statements,
                                                                        statements_availability_, changed));
    }
  }
  if (actions != nullptr && config.queries.cancel.mode != config::CancelMode::off) {
    canceller_ = std::make_unique<ClusterCanceller>(config, *pools_, *actions, clock);
  }
}

ClusterRuntime::~ClusterRuntime() {
  request_stop();
  std::vector<std::unique_ptr<MemberMonitor>> monitors;
  {
    std::lock_guard lock(monitors_mutex_);
    monitors.swap(monitors_);
  }
  monitors.clear();  // joins the monitors (their leases go back to the pools)
  statement_samplers_.clear();
  canceller_.reset();
  pools_.reset();    // then the maintenance thread
}

std::vector<const PeriodicWorker*> ClusterRuntime::workers() const {
  std::vector<const PeriodicWorker*> all;
  for (const auto& monitor : monitors_) all.push_back(&monitor->worker());
  if (canceller_) {
    for (const auto& poll : canceller_->monitors()) all.push_back(&poll->worker());
  }
  for (const auto& sampler : statement_samplers_) all.push_back(&sampler->worker());
  return all;
}

void ClusterRuntime::request_stop() {
  pools_->interrupt();
  if (canceller_) canceller_->request_stop();
  for (auto& sampler : statement_samplers_) sampler->request_stop();
  std::lock_guard lock(monitors_mutex_);
  for (auto& monitor : monitors_) monitor->request_stop();
}

void ClusterRuntime::on_member_lost(const std::string& member) {
  std::lock_guard lock(monitors_mutex_);
  for (auto& monitor : monitors_) {
    if (monitor->name() == member) monitor->wake();
  }
}

}  // namespace pgvigil::cluster

namespace pgvigil::cluster {

health::ClusterSnapshot ClusterRuntime::snapshot(SteadyTime now) const {
  std::vector<health::MemberSnapshot> members;
  {
    std::lock_guard lock(monitors_mutex_);
    for (const auto& monitor : monitors_) members.push_back(monitor->snapshot());
  }
  return health::build_cluster_view(name_, std::move(members), pools_->topology(), now, interval_);
}

}  // namespace pgvigil::cluster
