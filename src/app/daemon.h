// The running daemon: owns the current config and the workers built from it, and runs the
// control loop on the calling (main) thread: signals, systemd readiness, watchdog and status,
// reload and graceful stop. Call block_signals() before constructing it.
#pragma once

#include <atomic>
#include <memory>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "alerts/alert_engine.h"
#include "app/options.h"
#include "app/systemd_notifier.h"
#include "cluster/cluster_runtime.h"
#include "config/loader.h"
#include "health/snapshot_store.h"
#include "http/server.h"
#include "metrics/metrics_endpoint.h"
#include "queries/action_journal.h"
#include "queries/interval_journal.h"
#include "pool/socket_watch.h"
#include "util/clock.h"
#include "util/scheduler.h"

namespace pgvigil::app {

class Daemon {
 public:
  Daemon(config::Config config, std::optional<spdlog::level::level_enum> level_override, const Clock& clock);
  ~Daemon();

  int run();  // until SIGTERM or SIGINT; returns the exit code

  // One cycle of every member, the health JSON on stdout, and an exit code like a Nagios check:
  // 0 healthy, 1 degraded, 2 unhealthy.
  int run_once();

  // Validates the file again and applies it cluster by cluster and member by member (a hitless
  // reload: see cluster/cluster_runtime.h); on any error keeps the running config.
  bool reload();
  bool last_reload_successful() const { return last_reload_ok_.load(); }

  // The latest snapshot; HTTP handlers and the metrics collector read only this.
  health::SnapshotPtr snapshot() const { return store_.current(); }

 private:
  using ClusterList = std::vector<std::unique_ptr<cluster::ClusterRuntime>>;

  void start_runtime();   // the schedulers, the socket watch and a runtime per cluster
  void stop_runtime();    // every cluster, then the schedulers
  std::unique_ptr<cluster::ClusterRuntime> build_cluster(const config::ClusterConfig& config);
  void apply_clusters(const config::Config& next);  // the reload's diff, cluster by cluster
  static void stop_clusters(ClusterList clusters);
  void publish_snapshot();
  void refresh_snapshot_if_due();
  void tick_clusters();
  void set_probe_defaults();  // from config_, with runtime_mutex_ held
  void apply_logging(const config::Config& config) const;
  bool first_cycle_done() const;  // with runtime_mutex_ held
  bool loops_advancing() const;   // with runtime_mutex_ held
  std::string status_line() const;  // with runtime_mutex_ held

  config::Config config_;
  std::optional<spdlog::level::level_enum> level_override_;
  const Clock& clock_;
  SystemdNotifier notifier_;
  std::atomic<bool> last_reload_ok_{true};
  std::string last_reload_error_;  // main thread only
  // POST /-/reload runs on an HTTP thread; the reload itself runs on the main thread, like
  // SIGHUP, and the request waits for its outcome.
  std::pair<bool, std::string> request_reload();
  void serve_reload_requests();

  health::SnapshotStore store_;
  std::mutex reload_mutex_;
  std::vector<std::promise<std::pair<bool, std::string>>> reload_requests_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_;
  // The canceller's audit, for the daemon's whole life (history and counters survive reloads);
  // made by run() only, so --once neither cancels nor touches state_dir.
  std::unique_ptr<queries::ActionJournal> actions_;
  // pg_stat_statements intervals and the slow-query log, likewise kept across reloads and made by
  // run() only: --once samples nothing.
  std::unique_ptr<queries::IntervalJournal> statements_;
  // Alerts and their delivery, likewise for the daemon's whole life (a reload neither forgets nor
  // re-notifies an alert); made by run() only. After actions_: its listener points here.
  std::unique_ptr<alerts::AlertEngine> alerts_;
  std::unique_ptr<http::HttpServer> http_;
  // Periodic database work of every member runs on these two fixed sets of threads, whatever the
  // number of members: health cycles on their own, so that nothing else delays them.
  std::unique_ptr<Scheduler> health_scheduler_;
  std::unique_ptr<Scheduler> background_scheduler_;
  std::unique_ptr<pool::SocketWatch> socket_watch_;
  // Workers publish while the main thread changes the list: it is guarded, and the lock is never
  // held while a cluster is stopped (stopping waits for tasks that may be publishing).
  mutable std::mutex runtime_mutex_;
  ClusterList clusters_;                 // config order
  std::vector<std::string> hidden_;      // added by a reload, shown once their first cycle is done
  bool ready_latched_ = false;           // guarded by runtime_mutex_: ready stays ready
  bool live_ = true;                     // guarded by runtime_mutex_; judged by the control loop
  std::shared_ptr<const health::ProbeDefaultsByCluster> probe_defaults_;  // guarded by runtime_mutex_
  SteadyTime last_refreshed_{};          // guarded by runtime_mutex_
  std::atomic<bool> alerts_due_{false};  // a snapshot was published since the last alert pass
};

}  // namespace pgvigil::app
