#include "app/daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <thread>

#include "app/signals.h"
#include "http/health_json.h"
#include "util/logging.h"

namespace pgvigil::app {
namespace {

constexpr std::chrono::milliseconds kControlTick{100};
// Workers publish after every cycle; between cycles only time moves (staleness, liveness), which a
// refresh a second catches soon enough while sparing a rebuild every tick.
constexpr std::chrono::seconds kSnapshotRefresh{1};
constexpr int kHttpThreads = 16;  // a kept-alive connection holds a thread: size for a few LBs
// Fixed whatever the number of members: each cycle is a few milliseconds of waiting on a server,
// and a cycle held by a hung server holds one thread until query_timeout.
constexpr int kHealthThreads = 4;
constexpr int kBackgroundThreads = 3;
// First runs of members started together go 5 ms apart: 500 members' first cycles (and their
// connects) spread over 2.5 s rather than queue behind one another and overrun.
constexpr std::chrono::milliseconds kStartSpacing{5};

}  // namespace

Daemon::Daemon(config::Config config, std::optional<spdlog::level::level_enum> level_override, const Clock& clock)
    : config_(std::move(config)), level_override_(level_override), clock_(clock) {}

Daemon::~Daemon() { stop_runtime(); }

void Daemon::start_runtime() {
  health_scheduler_ = std::make_unique<Scheduler>("health", clock_, kHealthThreads, kStartSpacing);
  background_scheduler_ = std::make_unique<Scheduler>("work", clock_, kBackgroundThreads, kStartSpacing);
  socket_watch_ = std::make_unique<pool::SocketWatch>();
  ClusterList clusters;
  for (const auto& cluster : config_.clusters) clusters.push_back(build_cluster(cluster));
  std::lock_guard lock(runtime_mutex_);
  clusters_ = std::move(clusters);
  set_probe_defaults();
}

void Daemon::stop_runtime() {
  ClusterList clusters;
  {
    std::lock_guard lock(runtime_mutex_);
    clusters.swap(clusters_);
    hidden_.clear();
  }
  stop_clusters(std::move(clusters));
  socket_watch_.reset();
  background_scheduler_.reset();
  health_scheduler_.reset();
}

void Daemon::stop_clusters(ClusterList clusters) {
  // Ask every cluster first and cut their I/O, so they wind down together rather than in turn.
  for (auto& cluster : clusters) cluster->request_stop();
  clusters.clear();  // waits for their tasks
}

std::unique_ptr<cluster::ClusterRuntime> Daemon::build_cluster(const config::ClusterConfig& config) {
  cluster::RuntimeServices services{*health_scheduler_, *background_scheduler_, socket_watch_.get(), clock_,
                                    actions_.get(), statements_.get()};
  return std::make_unique<cluster::ClusterRuntime>(config, services, [this] { publish_snapshot(); });
}

void Daemon::set_probe_defaults() {
  auto defaults = std::make_shared<health::ProbeDefaultsByCluster>();
  for (const auto& cluster : config_.clusters) {
    const auto& lag = cluster.health.checks.at("replication_lag");
    (*defaults)[cluster.name] =
        health::ProbeDefaults{lag.warning.value_or(10), lag.warning_bytes.value_or(16.0 * 1024 * 1024)};
  }
  probe_defaults_ = std::move(defaults);
}

void Daemon::refresh_snapshot_if_due() {
  bool due = false;
  std::vector<cluster::ClusterRuntime*> clusters;
  {
    std::lock_guard lock(runtime_mutex_);
    // Every second, whether members publish or not: staleness and liveness are judged by time.
    due = clock_.now() - last_refreshed_ >= kSnapshotRefresh;
    if (due) last_refreshed_ = clock_.now();
    for (auto& cluster : clusters_) clusters.push_back(cluster.get());
  }
  if (!due) return;
  // Only the main thread changes the list, so these stay valid here.
  for (auto* cluster : clusters) cluster->refresh(clock_.now());
  {
    std::lock_guard lock(runtime_mutex_);
    live_ = loops_advancing();
  }
  publish_snapshot();
}

void Daemon::tick_clusters() {
  std::vector<cluster::ClusterRuntime*> clusters;
  {
    std::lock_guard lock(runtime_mutex_);
    for (auto& cluster : clusters_) clusters.push_back(cluster.get());
  }
  for (auto* cluster : clusters) cluster->tick();
  std::lock_guard lock(runtime_mutex_);
  if (!ready_latched_ && first_cycle_done()) {
    ready_latched_ = true;
    alerts_due_ = true;
  }
  const auto shown = std::erase_if(hidden_, [&](const std::string& name) {
    auto it = std::ranges::find_if(clusters_, [&](const auto& c) { return c->name() == name; });
    return it == clusters_.end() || (*it)->ready();
  });
  if (shown > 0) alerts_due_ = true;
}

void Daemon::publish_snapshot() {
  std::lock_guard lock(runtime_mutex_);
  if (!health_scheduler_) return;
  auto next = std::make_shared<health::Snapshot>();
  next->taken_at = clock_.wall_now();
  next->taken_steady = clock_.now();
  next->version = PGVIGIL_VERSION;
  next->config_reload_ok = last_reload_ok_.load();
  // Both are judged by the control loop (O(every task)), not here on every member's cycle.
  next->ready = ready_latched_;
  next->live = live_;
  for (const auto& cluster : clusters_) {
    if (std::ranges::find(hidden_, cluster->name()) != hidden_.end()) continue;
    next->clusters.push_back(cluster->snapshot());  // shared, not copied: O(clusters) pointers
  }
  if (actions_) next->actions = actions_->history();
  if (statements_) next->statements = statements_->view();
  if (alerts_) next->alerts = alerts_->view();
  next->probe_defaults = probe_defaults_;
  store_.publish(std::move(next));
  // A new snapshot may raise or resolve an alert: the control loop runs a pass within a tick,
  // at most one a tick however many members publish.
  alerts_due_ = true;
}

void Daemon::apply_logging(const config::Config& config) const {
  const auto level = level_override_.value_or(
      parse_log_level(config.daemon.log.level).value_or(spdlog::level::info));
  configure_logging(config.daemon.log.format, level);
}

bool Daemon::first_cycle_done() const {
  return !clusters_.empty() && std::ranges::all_of(clusters_, [](const auto& c) { return c->ready(); });
}

bool Daemon::loops_advancing() const {
  const auto now = clock_.now();
  const auto advancing = [&](const auto* worker) {
    // A loop may be legitimately busy for a connect plus a query past its own interval.
    const auto allowance = 3 * worker->interval() + std::chrono::seconds(10);
    return worker->runs() == 0 || now - worker->last_run_end() < allowance;
  };
  if (alerts_ && !advancing(&alerts_->worker())) return false;
  return std::ranges::all_of(clusters_, [&](const auto& cluster) {
    return std::ranges::all_of(cluster->workers(), [&](const ScheduledTask* task) { return advancing(task); });
  });
}

std::string Daemon::status_line() const {
  int up = 0;
  int total = 0;
  for (const auto& cluster : clusters_) {
    const auto [cluster_up, cluster_total] = cluster->members_up();
    up += cluster_up;
    total += cluster_total;
  }
  return fmt::format("{} of {} members up", up, total);
}

int Daemon::run() {
  apply_logging(config_);
  spdlog::info("pgvigil {} starting with {} ({} cluster(s))", PGVIGIL_VERSION, config_.source, config_.clusters.size());
  // A new record shows in /actions and the metrics at once, not at the next refresh.
  actions_ = std::make_unique<queries::ActionJournal>(config_.daemon.state_dir, clock_, [this] { publish_snapshot(); });
  statements_ = std::make_unique<queries::IntervalJournal>(config_.daemon.state_dir, clock_,
                                                           config_.daemon.statement_history_max_bytes);
  auto targets = alerts::targets_from_config(config_.alerts);
  if (!targets) {
    spdlog::critical("{}", targets.error());
    return kExitConfig;
  }
  alerts_ = std::make_unique<alerts::AlertEngine>(config_, std::move(*targets), [this] { return store_.current(); },
                                                  clock_);
  actions_->add_listener([engine = alerts_.get()](const queries::ActionRecord& record) { engine->on_action(record); });
  start_runtime();
  metrics_ = std::make_unique<metrics::MetricsEndpoint>([this] { return store_.current(); }, clock_);
  http::Hooks hooks;
  hooks.snapshot = [this] { return store_.current(); };
  hooks.metrics_text = [this] { return metrics_->render(); };
  hooks.reload = [this] { return request_reload(); };
  auto server = http::HttpServer::start(config_.http, std::move(hooks), kHttpThreads);
  if (!server) {
    spdlog::critical("cannot serve HTTP on {}: {}", config_.http.listen, server.error());
    stop_runtime();
    return kExitFailure;
  }
  http_ = std::move(*server);
  spdlog::info("serving http{}://{} (port {})", http_->tls() ? "s" : "", config_.http.listen, http_->port());
  notifier_.status("starting");

  bool ready_sent = false;
  std::string last_status;
  auto next_ping = clock_.now();
  for (;;) {
    const auto signal = wait_for_signal(kControlTick);
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("received {}, stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      break;
    }
    if (signal == SIGHUP) {
      notifier_.reloading();
      reload();
      notifier_.ready();
    }
    serve_reload_requests();
    tick_clusters();            // swaps in members rebuilt by a reload once they are checked
    refresh_snapshot_if_due();  // keeps liveness and staleness current even when no cycle finishes
    if (alerts_ && alerts_due_.exchange(false)) alerts_->wake();
    bool ready_now = false;
    std::string status;
    {
      std::lock_guard lock(runtime_mutex_);
      ready_now = ready_latched_;
      status = status_line();
    }
    if (!ready_sent && ready_now) {
      ready_sent = true;
      notifier_.ready();
      spdlog::info("first cycle complete: {}", status);
    }
    if (status != last_status) {
      notifier_.status(status);
      last_status = std::move(status);
    }
    if (const auto ping = notifier_.watchdog_ping_interval(); ping && clock_.now() >= next_ping) {
      // Feed the watchdog only while the loops advance, so systemd restarts a wedged daemon.
      if (snapshot()->live) notifier_.watchdog();
      next_ping = clock_.now() + *ping;
    }
  }
  notifier_.stopping();
  notifier_.status("stopping");
  http_->stop();  // no new requests; in-flight ones finish on the current snapshot
  serve_reload_requests();
  stop_runtime();
  alerts_.reset();  // what is not delivered yet stays in the spool for the next start
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return kExitOk;
}

}  // namespace pgvigil::app

namespace pgvigil::app {

int Daemon::run_once() {
  apply_logging(config_);
  start_runtime();
  // Every wait inside a cycle is bounded; this bounds the whole (a hung server, a slow pool).
  std::chrono::milliseconds limit{0};
  for (const auto& c : config_.clusters) {
    limit = std::max(limit, c.pool.acquire_timeout + c.pool.connect_timeout + 3 * c.health.query_timeout);
  }
  const auto deadline = std::chrono::steady_clock::now() + limit + std::chrono::seconds(1);
  for (;;) {
    bool done = false;
    {
      std::lock_guard lock(runtime_mutex_);
      done = first_cycle_done();
    }
    if (done || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  publish_snapshot();
  const auto snapshot = store_.current();
  std::cout << http::health_json(*snapshot) << std::endl;
  stop_runtime();
  switch (snapshot->status()) {
    case health::Status::healthy: return 0;
    case health::Status::degraded: return 1;
    case health::Status::unhealthy: return 2;
  }
  return 3;
}

}  // namespace pgvigil::app
