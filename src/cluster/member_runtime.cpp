#include "cluster/member_runtime.h"

#include "cluster/connect_spec.h"

namespace pgvigil::cluster {
namespace {

// Idle timeout, lifetime rotation and the pool's minimum work in minutes; a session the server
// closes is seen at once by the socket watch, not by this pass.
constexpr std::chrono::seconds kUpkeepInterval{5};

}  // namespace

struct MemberRuntime::PoolParts {
  PoolParts(const std::string& member, const ClusterPlan& plan, const PlanBoard& board, const Clock& clock,
            pool::SocketWatch* watch, std::function<void()> on_lost)
      : pool(member, plan.config.pool, plan.config.retry, spec_source(member, board), clock, interrupter, watch,
             std::move(on_lost)) {}

  // Each new session is made from the plan in force (and re-reads the password file).
  static pool::SpecSource spec_source(const std::string& member, const PlanBoard& board) {
    return [member, &board]() -> std::expected<db::ConnectSpec, std::string> {
      const PlanPtr plan = board.current();
      const auto* config = plan->member(member);
      if (config == nullptr) return std::unexpected("member " + member + " is no longer configured");
      return make_connect_spec(*config, plan->config);
    };
  }

  db::Interrupter interrupter;
  pool::ConnectionPool pool;  // after the interrupter it uses
};

MemberRuntime::MemberRuntime(const std::string& cluster, const std::string& member, const PlanBoard& plan,
                             pool::PoolManager& cluster_pools, const RuntimeServices& services,
                             std::function<void()> on_publish, queries::StatementsAvailability& availability,
                             queries::SessionBoard& sessions, MemberMonitor::Service service)
    : plan_(plan), services_(services), on_publish_(std::move(on_publish)), availability_(availability),
      lost_link_(std::make_shared<LostLink>()),
      // The pool's callback may run on the socket watch's thread after this object is gone (a
      // lease of another member keeps the pool): it goes through the link, which forgets us first.
      pool_parts_(std::make_shared<PoolParts>(member, *plan.current(), plan, services.clock, services.watch,
                                              [link = lost_link_, member] {
                                                std::lock_guard lock(link->mutex);
                                                if (link->in_service && link->cluster_pools) {
                                                  link->cluster_pools->report_unreachable(member);
                                                }
                                                if (link->monitor) link->monitor->wake();
                                              })),
      context_{cluster, member, plan, pool_parts_->pool, cluster_pools, services.clock, sessions},
      in_service_(service == MemberMonitor::Service::in_service) {
  monitor_ = std::make_unique<MemberMonitor>(context_, services.health, on_publish_,
                                             services.statements ? &availability_ : nullptr, service);
  {
    std::lock_guard lock(lost_link_->mutex);
    lost_link_->monitor = monitor_.get();
    lost_link_->cluster_pools = &cluster_pools;
    lost_link_->in_service = in_service_;
  }
  upkeep_ = services.background.every("pool-" + member, kUpkeepInterval,
                                      [this](std::stop_token) { pool_parts_->pool.maintain(); });
  upkeep_->start();
  if (in_service_) cluster_pools.attach(member, std::shared_ptr<pool::ConnectionPool>(pool_parts_, &pool_parts_->pool));
}

MemberRuntime::~MemberRuntime() {
  request_stop();
  {
    std::lock_guard lock(lost_link_->mutex);
    lost_link_->monitor = nullptr;
    lost_link_->in_service = false;
  }
  statements_.reset();
  activity_.reset();
  monitor_.reset();
  upkeep_.reset();
}

void MemberRuntime::request_stop() {
  pool_parts_->interrupter.fire();
  if (statements_) statements_->request_stop();
  if (activity_) activity_->request_stop();
  monitor_->request_stop();
  upkeep_->request_stop();
}

void MemberRuntime::enter_service() {
  if (in_service_) return;
  in_service_ = true;
  context_.cluster_pools.attach(context_.member,
                                std::shared_ptr<pool::ConnectionPool>(pool_parts_, &pool_parts_->pool));
  {
    std::lock_guard lock(lost_link_->mutex);
    lost_link_->in_service = true;
  }
  monitor_->enter_service();
}

void MemberRuntime::apply_plan(queries::ClusterCancelPolicy* policy) {
  const PlanPtr plan = plan_.current();
  const auto& config = plan->config;
  monitor_->set_interval(config.health.interval);
  if (!in_service_) return;
  const bool cancel = policy != nullptr && services_.actions != nullptr;
  if (cancel && !activity_) {
    activity_ = std::make_unique<ActivityMonitor>(context_, services_.background, *policy, *services_.actions);
  } else if (!cancel && activity_) {
    activity_.reset();
  } else if (activity_) {
    activity_->set_interval(config.queries.activity_interval);
  }
  const bool sampled = services_.statements != nullptr && config.queries.statements;
  if (sampled && !statements_) {
    statements_ = std::make_unique<StatementsMonitor>(context_, services_.background, *services_.statements,
                                                      availability_, on_publish_);
  } else if (!sampled && statements_) {
    statements_.reset();
    availability_.set(context_.member, std::nullopt);
  } else if (statements_) {
    statements_->set_interval(config.queries.statements_interval);
  }
}

std::vector<const ScheduledTask*> MemberRuntime::workers() const {
  std::vector<const ScheduledTask*> all{&monitor_->worker()};
  if (activity_) all.push_back(&activity_->worker());
  if (statements_) all.push_back(&statements_->worker());
  return all;
}

}  // namespace pgvigil::cluster
