// The alert worker. Every second, and whenever the daemon publishes a snapshot, it turns what
// is wrong (the snapshot's health reasons, the daemon's own trouble, and the canceller's actions
// reported since the last pass) into alert conditions, runs them through the AlertBook, and
// hands what changed to the Dispatcher: one document per sink, an Alertmanager array or a
// webhook notification (one per cluster). Firing alerts are re-sent to Alertmanager sinks every
// alerts.resend_interval; webhooks hear of each alert when it fires and when it resolves.
//
// The engine lives as long as the daemon: a reload keeps its alerts (a reload is no reason to
// notify anything again) and replaces the Dispatcher only when the sinks, the spool bound or the
// retry settings changed. The spool is on disk, so what the old Dispatcher had not delivered is
// picked up by the new one, and the old one's counters carry on in the new one's. Replacing it
// waits for the POSTs in flight (each bounded by its sink's timeout). state_dir is the one the
// daemon started with: changing it takes a restart, as the daemon warns.
//
// Until every member of the (re)loaded config has finished a first cycle (Snapshot::ready), the
// snapshot says nothing reliable (unchecked members, no primary known yet): the alerts are left
// as they are, so a reload or a start neither resolves nor raises anything it should not.
// Resends still go out; canceller events wait for the first pass that evaluates.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "alerts/alert_book.h"
#include "alerts/alert_rules.h"
#include "alerts/alerts_view.h"
#include "alerts/delivery_target.h"
#include "alerts/delivery_worker.h"
#include "config/config.h"
#include "health/snapshot.h"
#include "queries/action_record.h"
#include "util/clock.h"
#include "util/periodic_worker.h"

namespace pgvigil::alerts {

// Above this share of alerts.spool_max_bytes the spool is under pressure (PgvigilSpoolPressure).
inline constexpr double kSpoolPressureRatio = 0.8;

class AlertEngine {
 public:
  using SnapshotSource = std::function<health::SnapshotPtr()>;

  // `targets` come from targets_from_config(config.alerts), checked by the caller (it reads the
  // secret files, and a missing one is a config error). Starts the worker.
  AlertEngine(const config::Config& config, std::vector<Target> targets, SnapshotSource snapshots, const Clock& clock);
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  // A reloaded config; the Dispatcher is rebuilt when sinks, spool bound, retry or state_dir changed.
  void reconfigure(const config::Config& config, std::vector<Target> targets);

  // A canceller audit record (the ActionJournal's listener); notified at the next pass.
  void on_action(const queries::ActionRecord& record);

  // Runs a pass soon (a new snapshot).
  void wake() { worker_->wake(); }

  std::shared_ptr<const AlertsView> view() const;
  const PeriodicWorker& worker() const { return *worker_; }

 private:
  struct Settings {
    AlertRuleSettings rules{};
    std::vector<config::SinkConfig> sinks{};
    std::uint64_t spool_max_bytes = 0;
  };

  void pass();
  std::vector<AlertCondition> conditions(const health::Snapshot& snapshot, const Settings& settings,
                                         const DispatcherStats& delivery);
  void send(const Settings& settings, const std::vector<Notice>& notices, bool alertmanager_only);
  void publish(const Settings& settings, WallTime now);
  DispatcherStats delivery_stats() const;  // with mutex_ held

  const Clock& clock_;
  const SnapshotSource snapshots_;

  std::mutex events_mutex_;
  std::vector<queries::ActionRecord> events_;  // reported since the last pass

  std::mutex mutex_;  // settings_, dispatcher_ and book_: the worker's pass against reconfigure()
  Settings settings_;
  config::AlertsConfig alerts_config_;
  std::string state_dir_;
  std::unique_ptr<Dispatcher> dispatcher_;
  // Counters of the Dispatchers replaced by reloads, added to the current one's.
  std::map<std::string, SinkDeliveryStats> carried_sinks_;
  std::uint64_t carried_dropped_ = 0;
  AlertBook book_;

  mutable std::mutex view_mutex_;
  std::shared_ptr<const AlertsView> view_;

  std::unique_ptr<PeriodicWorker> worker_;  // last: its thread uses everything above
};

}  // namespace pgvigil::alerts
