#include "alerts/alert_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "alerts/alert_sources.h"
#include "alerts/notification_json.h"
#include "alerts/sink_routing.h"

namespace pgvigil::alerts {
namespace {

constexpr std::chrono::seconds kPassInterval{1};

bool same_delivery_setup(const config::AlertsConfig& next, const config::AlertsConfig& running) {
  return next.sinks == running.sinks && next.spool_max_bytes == running.spool_max_bytes &&
         next.retry == running.retry;
}

RetryPolicy retry_policy(const config::DeliveryRetryConfig& retry) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return {duration_cast<milliseconds>(retry.base), duration_cast<milliseconds>(retry.max), retry.multiplier};
}

// Members whose last cycle took longer than their cluster's interval: the checks no longer keep
// the pace they were configured for.
std::vector<std::pair<std::string, std::string>> overrunning_members(const health::Snapshot& snapshot,
                                                                     const AlertRuleSettings& rules) {
  std::vector<std::pair<std::string, std::string>> late;
  for (const auto& cluster : snapshot.clusters) {
    const double interval = std::chrono::duration<double>(cycle_of(rules, cluster->name)).count();
    for (const auto& member : cluster->members) {
      if (member.checked && member.last_cycle_seconds > interval) late.emplace_back(cluster->name, member.name);
    }
  }
  return late;
}

// Webhook receivers get one notification per cluster, grouped by it, as Alertmanager's own
// webhooks would group them; daemon-wide alerts (no cluster) go together.
std::vector<std::vector<Notice>> by_cluster(const std::vector<Notice>& notices) {
  std::map<std::string, std::vector<Notice>> groups;
  for (const Notice& notice : notices) {
    const auto cluster = notice.labels.find("cluster");
    groups[cluster == notice.labels.end() ? std::string() : cluster->second].push_back(notice);
  }
  std::vector<std::vector<Notice>> out;
  for (auto& [_, group] : groups) out.push_back(std::move(group));
  return out;
}

}  // namespace

AlertEngine::AlertEngine(const config::Config& config, std::vector<Target> targets, SnapshotSource snapshots,
                         const Clock& clock)
    : clock_(clock),
      snapshots_(std::move(snapshots)),
      settings_{rule_settings(config), config.alerts.sinks, config.alerts.spool_max_bytes},
      alerts_config_(config.alerts),
      state_dir_(config.daemon.state_dir),
      dispatcher_(std::make_unique<Dispatcher>(state_dir_, config.alerts.spool_max_bytes, std::move(targets), clock,
                                               retry_policy(config.alerts.retry))),
      book_(config.alerts.resend_interval),
      view_(std::make_shared<const AlertsView>()),
      worker_(std::make_unique<PeriodicWorker>("alerts", clock, kPassInterval, [this](std::stop_token) { pass(); })) {}

AlertEngine::~AlertEngine() {
  worker_.reset();  // joins the pass before anything it uses goes
}

void AlertEngine::reconfigure(const config::Config& config, std::vector<Target> targets) {
  std::lock_guard lock(mutex_);
  settings_ = Settings{rule_settings(config), config.alerts.sinks, config.alerts.spool_max_bytes};
  book_.set_resend_interval(config.alerts.resend_interval);
  if (!same_delivery_setup(config.alerts, alerts_config_)) {
    const DispatcherStats old = dispatcher_->stats();
    for (const auto& sink : old.sinks) {
      SinkDeliveryStats& carried = carried_sinks_[sink.sink];
      carried.delivered += sink.delivered;
      carried.rejected += sink.rejected;
      carried.retried += sink.retried;
      carried.dropped += sink.dropped;
    }
    carried_dropped_ += old.dropped_total;
    // One Dispatcher at a time owns the spool file: the old one's threads are joined (a POST in
    // flight ends within its timeout) before the new one opens it.
    dispatcher_.reset();
    dispatcher_ = std::make_unique<Dispatcher>(state_dir_, config.alerts.spool_max_bytes, std::move(targets), clock_,
                                               retry_policy(config.alerts.retry));
  }
  alerts_config_ = config.alerts;
}

void AlertEngine::on_action(const queries::ActionRecord& record) {
  {
    std::lock_guard lock(events_mutex_);
    events_.push_back(record);
  }
  worker_->wake();
}

std::shared_ptr<const AlertsView> AlertEngine::view() const {
  std::lock_guard lock(view_mutex_);
  return view_;
}

std::vector<AlertCondition> AlertEngine::conditions(const health::Snapshot& snapshot, const Settings& settings,
                                                    const DispatcherStats& delivery) {
  std::vector<AlertCondition> all = conditions_from(snapshot, settings.rules);
  DaemonProblems problems;
  problems.reload_failed = !snapshot.config_reload_ok;
  problems.cycle_overruns = overrunning_members(snapshot, settings.rules);
  if (settings.spool_max_bytes > 0) {
    problems.spool_fill_ratio =
        static_cast<double>(delivery.spool_live_bytes) / static_cast<double>(settings.spool_max_bytes);
    problems.spool_pressure = problems.spool_fill_ratio >= kSpoolPressureRatio;
  }
  for (auto& condition : conditions_from(problems, settings.rules)) all.push_back(std::move(condition));

  std::vector<queries::ActionRecord> events;
  {
    std::lock_guard lock(events_mutex_);
    events.swap(events_);
  }
  for (const auto& record : events) {
    if (auto event = event_from(record, settings.rules)) all.push_back(std::move(*event));
  }
  return all;
}

void AlertEngine::send(const Settings& settings, const std::vector<Notice>& notices, bool alertmanager_only) {
  for (const SinkBatch& batch : route(settings.sinks, notices)) {
    const auto sink = std::ranges::find(settings.sinks, batch.sink, &config::SinkConfig::name);
    if (sink == settings.sinks.end()) continue;
    if (sink->type == config::SinkType::alertmanager) {
      dispatcher_->submit(sink->name, alertmanager_body(batch.notices));
    } else if (!alertmanager_only) {
      for (auto& group : by_cluster(batch.notices)) {
        dispatcher_->submit(sink->name,
                            webhook_body(make_notification(std::move(group), base_url(settings.rules)), sink->name));
      }
    }
  }
}

void AlertEngine::pass() {
  const health::SnapshotPtr snapshot = snapshots_ ? snapshots_() : nullptr;
  std::lock_guard lock(mutex_);
  const WallTime now = clock_.wall_now();
  const Settings& settings = settings_;
  if (snapshot && snapshot->ready) {
    const auto notices = book_.evaluate(conditions(*snapshot, settings, delivery_stats()), now);
    for (const Notice& notice : notices) {
      if (notice.status == NoticeStatus::firing) book_.mark_sent(notice.fingerprint, now);
    }
    send(settings, notices, false);
  }
  // Alertmanager forgets an alert that is not re-sent before its endsAt.
  const auto resends = book_.due_resends(now);
  for (const Notice& notice : resends) book_.mark_sent(notice.fingerprint, now);
  send(settings, resends, true);
  publish(settings, now);
}

DispatcherStats AlertEngine::delivery_stats() const {
  DispatcherStats stats = dispatcher_->stats();
  for (auto& sink : stats.sinks) {
    const auto carried = carried_sinks_.find(sink.sink);
    if (carried == carried_sinks_.end()) continue;
    sink.delivered += carried->second.delivered;
    sink.rejected += carried->second.rejected;
    sink.retried += carried->second.retried;
    sink.dropped += carried->second.dropped;
  }
  stats.dropped_total += carried_dropped_;
  return stats;
}

void AlertEngine::publish(const Settings& settings, WallTime now) {
  auto view = std::make_shared<AlertsView>();
  view->evaluated_at = now;
  view->active = book_.active();
  for (auto severity : {AlertSeverity::info, AlertSeverity::warning, AlertSeverity::critical}) {
    view->firing[static_cast<std::size_t>(severity)] = book_.firing_count(severity);
  }
  view->delivery = delivery_stats();
  view->spool_max_bytes = settings.spool_max_bytes;
  std::lock_guard lock(view_mutex_);
  view_ = std::move(view);
}

}  // namespace pgvigil::alerts
