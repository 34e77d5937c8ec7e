#include "cluster/cluster_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "health/cluster_view.h"

namespace pgvigil::cluster {

ClusterRuntime::ClusterRuntime(const config::ClusterConfig& config, RuntimeServices services,
                               std::function<void()> on_change)
    : name_(config.name), services_(services), on_change_(std::move(on_change)), plan_(make_plan(config)),
      pools_(config.name), snapshot_(std::make_shared<const health::ClusterSnapshot>()) {
  const PlanPtr plan = plan_.current();
  sync_policy(*plan);
  std::vector<std::string> order;
  {
    std::lock_guard lock(members_mutex_);
    for (const auto& member : config.members) {
      order.push_back(member.name);
      members_.push_back(build_member(member.name, MemberMonitor::Service::in_service));
    }
    for (auto& member : members_) member->apply_plan(policy_.get());
  }
  pools_.set_order(std::move(order));
  rebuild_snapshot();
}

ClusterRuntime::~ClusterRuntime() {
  request_stop();
  MemberList members;
  std::map<std::string, std::shared_ptr<MemberRuntime>> candidates;
  {
    std::lock_guard lock(members_mutex_);
    members.swap(members_);
    candidates.swap(candidates_);
  }
  members.clear();  // cancels and waits for their tasks
  candidates.clear();
}

std::shared_ptr<MemberRuntime> ClusterRuntime::build_member(const std::string& member,
                                                            MemberMonitor::Service service) {
  return std::make_shared<MemberRuntime>(name_, member, plan_, pools_, services_, [this] { on_member_published(); },
                                         statements_availability_, session_board_, service);
}

void ClusterRuntime::sync_policy(const ClusterPlan& plan) {
  const bool cancel = services_.actions != nullptr && plan.config.queries.cancel.mode != config::CancelMode::off;
  if (cancel && !policy_) {
    // A canceller turned on again still counts what it admitted within the last minute.
    policy_ = std::make_unique<queries::ClusterCancelPolicy>(
        plan.config.queries, queries::recent_attempts(*services_.actions->history(), name_,
                                                      services_.clock.wall_now(), services_.clock.now()));
  } else if (cancel) {
    policy_->reconfigure(plan.config.queries);
  }
}

// The main thread is the only one that changes members_ and candidates_, so it reads them here
// without the lock and takes it only to swap them; tasks are never stopped with the lock held (a
// stopping task may be publishing, which takes it).
void ClusterRuntime::reconfigure(const config::ClusterConfig& next) {
  const PlanPtr old_plan = plan_.current();
  const PlanPtr new_plan = make_plan(next);
  const bool cancel = services_.actions != nullptr && next.queries.cancel.mode != config::CancelMode::off;
  plan_.replace(new_plan);
  if (!cancel && policy_) {
    for (auto& member : members_) member->apply_plan(nullptr);  // the polls stop before their policy goes
    policy_.reset();
  }
  sync_policy(*new_plan);

  MemberList kept;
  MemberList retired;
  auto candidates = candidates_;
  for (const auto& member_config : next.members) {
    auto it = std::ranges::find_if(members_, [&](const auto& m) { return m->name() == member_config.name; });
    const auto* old_config = old_plan->member(member_config.name);
    const bool same_sessions = it != members_.end() && old_config != nullptr &&
                               !needs_new_sessions(*old_config, old_plan->config, member_config, next);
    if (same_sessions) {
      candidates.erase(member_config.name);  // a rebuild in progress is no longer wanted
      kept.push_back(*it);
      continue;
    }
    if (it != members_.end()) kept.push_back(*it);  // serves until its replacement is ready
    spdlog::info("cluster={} member={} {}: checking it beside the members in service before it joins them", name_,
                 member_config.name, it == members_.end() ? "added" : "has new connection settings");
    candidates[member_config.name] = build_member(member_config.name, MemberMonitor::Service::out_of_service);
  }
  for (const auto& member : members_) {
    if (new_plan->member(member->name()) == nullptr) retired.push_back(member);
  }
  std::erase_if(candidates, [&](const auto& c) { return new_plan->member(c.first) == nullptr; });
  {
    std::lock_guard lock(members_mutex_);
    members_ = std::move(kept);
    candidates_.swap(candidates);  // `candidates` now holds the old ones
  }
  for (auto& member : members_) member->apply_plan(policy_.get());
  for (auto& [name, candidate] : candidates_) candidate->apply_plan(policy_.get());
  for (const auto& gone : retired) {
    spdlog::info("cluster={} member={} removed", name_, gone->name());
    pools_.detach(gone->name());
    statements_availability_.set(gone->name(), std::nullopt);
    gone->request_stop();
  }
  for (auto& [name, old] : candidates) old->request_stop();
  retired.clear();     // waits for their tasks
  candidates.clear();  // the replaced or unwanted rebuilds
  std::vector<std::string> order;
  for (const auto& member : next.members) order.push_back(member.name);
  pools_.set_order(std::move(order));
  rebuild_snapshot();
  if (on_change_) on_change_();
}

void ClusterRuntime::tick() {
  std::vector<std::shared_ptr<MemberRuntime>> ready;
  for (const auto& [name, candidate] : candidates_) {
    if (candidate->monitor().snapshot().checked) ready.push_back(candidate);
  }
  if (ready.empty()) return;
  const PlanPtr plan = plan_.current();
  auto index = [&](const std::string& n) {
    return std::ranges::find_if(plan->config.members, [&](const auto& m) { return m.name == n; }) -
           plan->config.members.begin();
  };
  MemberList members = members_;
  MemberList retired;
  for (auto& candidate : ready) {
    candidate->enter_service();  // its pool now serves the cluster, its role counts
    auto old = std::ranges::find_if(members, [&](const auto& m) { return m->name() == candidate->name(); });
    if (old != members.end()) {
      retired.push_back(*old);
      *old = candidate;
    } else {
      members.push_back(candidate);
    }
    spdlog::info("cluster={} member={} in service after its first full cycle", name_, candidate->name());
  }
  std::ranges::sort(members, [&](const auto& a, const auto& b) { return index(a->name()) < index(b->name()); });
  {
    std::lock_guard lock(members_mutex_);
    members_ = std::move(members);
    for (const auto& candidate : ready) candidates_.erase(candidate->name());
  }
  for (auto& candidate : ready) candidate->apply_plan(policy_.get());
  for (auto& member : retired) member->request_stop();
  retired.clear();
  rebuild_snapshot();
  if (on_change_) on_change_();
}

void ClusterRuntime::request_stop() {
  std::lock_guard lock(members_mutex_);
  for (auto& member : members_) member->request_stop();
  for (auto& [name, candidate] : candidates_) candidate->request_stop();
}

bool ClusterRuntime::ready() const {
  {
    std::lock_guard lock(members_mutex_);
    if (!candidates_.empty()) return false;
  }
  const auto current = snapshot();
  return std::ranges::all_of(current->members, [](const auto& m) { return m.checked; });
}

std::pair<int, int> ClusterRuntime::members_up() const {
  const auto snapshot = this->snapshot();
  int up = 0;
  for (const auto& member : snapshot->members) up += member.reachable ? 1 : 0;
  return {up, static_cast<int>(snapshot->members.size())};
}

std::vector<const ScheduledTask*> ClusterRuntime::workers() const {
  std::vector<const ScheduledTask*> all;
  std::lock_guard lock(members_mutex_);
  for (const auto& member : members_) {
    for (const auto* worker : member->workers()) all.push_back(worker);
  }
  for (const auto& [name, candidate] : candidates_) {
    for (const auto* worker : candidate->workers()) all.push_back(worker);
  }
  return all;
}

std::shared_ptr<const health::ClusterSnapshot> ClusterRuntime::snapshot() const { return snapshot_.load(); }

void ClusterRuntime::on_member_published() {
  rebuild_snapshot();
  if (on_change_) on_change_();
}

void ClusterRuntime::rebuild_snapshot() {
  // Held across the whole rebuild, so that a rebuild that read older members never replaces a
  // newer one.
  std::lock_guard rebuild(snapshot_mutex_);
  std::vector<health::MemberSnapshot> members;
  {
    std::lock_guard lock(members_mutex_);
    members.reserve(members_.size());
    for (const auto& member : members_) members.push_back(member->monitor().snapshot());
  }
  const auto interval = plan_.current()->config.health.interval;
  auto next = std::make_shared<const health::ClusterSnapshot>(
      health::build_cluster_view(name_, std::move(members), pools_.topology(), services_.clock.now(), interval));
  snapshot_.store(std::move(next));
}

void ClusterRuntime::refresh(SteadyTime now) {
  const auto current = snapshot();
  const auto interval = plan_.current()->config.health.interval;
  const bool changed = std::ranges::any_of(current->members, [&](const health::MemberSnapshot& m) {
    const bool marked = std::ranges::any_of(m.reasons, [](const auto& r) { return r.check == "stale"; });
    return m.checked && health::is_stale(m, now, interval) != marked;
  });
  if (changed) {
    rebuild_snapshot();
    if (on_change_) on_change_();
  }
}

}  // namespace pgvigil::cluster
