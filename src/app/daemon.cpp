#include "app/daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "app/reload_diff.h"
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
constexpr std::chrono::seconds kReloadRequestTimeout{30};

}  // namespace

std::pair<bool, std::string> Daemon::request_reload() {
  std::future<std::pair<bool, std::string>> outcome;
  {
    std::lock_guard lock(reload_mutex_);
    reload_requests_.emplace_back();
    outcome = reload_requests_.back().get_future();
  }
  if (outcome.wait_for(kReloadRequestTimeout) != std::future_status::ready) {
    return {false, "the reload did not finish in time"};
  }
  return outcome.get();
}

void Daemon::serve_reload_requests() {
  std::vector<std::promise<std::pair<bool, std::string>>> requests;
  {
    std::lock_guard lock(reload_mutex_);
    requests.swap(reload_requests_);
  }
  if (requests.empty()) return;
  notifier_.reloading();
  const bool ok = reload();
  notifier_.ready();
  for (auto& r : requests) {
    r.set_value({ok, ok ? "" : "rejected, the running configuration is kept: " + last_reload_error_});
  }
}

Daemon::Daemon(config::Config config, std::optional<spdlog::level::level_enum> level_override, const Clock& clock)
    : config_(std::move(config)), level_override_(level_override), clock_(clock) {}

Daemon::~Daemon() { swap_runtime(nullptr); }

void Daemon::swap_runtime(std::unique_ptr<Runtime> next) {
  std::unique_ptr<Runtime> old;
  {
    std::lock_guard lock(runtime_mutex_);
    old = std::exchange(runtime_, nullptr);
  }
  stop_runtime(std::move(old));
  std::lock_guard lock(runtime_mutex_);
  runtime_ = std::move(next);
}

void Daemon::refresh_snapshot_if_due() {
  bool due = false;
  {
    std::lock_guard lock(runtime_mutex_);
    due = clock_.now() - last_published_ >= kSnapshotRefresh;
  }
  if (due) publish_snapshot();
}

void Daemon::publish_snapshot() {
  std::lock_guard lock(runtime_mutex_);
  if (!runtime_) return;
  auto next = std::make_shared<health::Snapshot>();
  next->taken_at = clock_.wall_now();
  next->taken_steady = clock_.now();
  next->version = PGVIGIL_VERSION;
  next->config_reload_ok = last_reload_ok_.load();
  next->ready = first_cycle_done();
  next->live = loops_advancing();
  for (const auto& cluster : runtime_->clusters) next->clusters.push_back(std::make_shared<const health::ClusterSnapshot>(cluster->snapshot(next->taken_steady)));
  if (actions_) next->actions = actions_->history();
  if (statements_) next->statements = statements_->view();
  if (alerts_) next->alerts = alerts_->view();
  for (const auto& cluster : config_.clusters) {
    const auto& lag = cluster.health.checks.at("replication_lag");
    next->probe_defaults[cluster.name] = health::ProbeDefaults{lag.warning.value_or(10), lag.warning_bytes.value_or(16.0 * 1024 * 1024)};
  }
  last_published_ = next->taken_steady;
  store_.publish(std::move(next));
  if (alerts_) alerts_->wake();  // a new snapshot may raise or resolve an alert: judge it now
}

void Daemon::apply_logging(const config::Config& config) const {
  const auto level = level_override_.value_or(
      parse_log_level(config.daemon.log.level).value_or(spdlog::level::info));
  configure_logging(config.daemon.log.format, level);
}

std::unique_ptr<Daemon::Runtime> Daemon::build_runtime(const config::Config& config) {
  auto runtime = std::make_unique<Runtime>();
  for (const auto& cluster : config.clusters) {
    runtime->clusters.push_back(
        std::make_unique<cluster::ClusterRuntime>(cluster, clock_, [this] { publish_snapshot(); }, actions_.get(),
                                                  statements_.get()));
  }
  return runtime;
}

void Daemon::stop_runtime(std::unique_ptr<Runtime> runtime) {
  if (!runtime) return;
  // Ask every cluster first and cut their I/O, so they wind down together rather than in turn.
  for (auto& cluster : runtime->clusters) cluster->request_stop();
  runtime->clusters.clear();  // joins
}

bool Daemon::reload() {
  spdlog::info("reloading configuration from {}", config_.source);
  auto loaded = config::load_config_file(config_.source);
  if (!loaded) {
    last_reload_error_.clear();
    for (const auto& error : loaded.error()) {
      spdlog::error("reload rejected: {}", error.to_string());
      last_reload_error_ += (last_reload_error_.empty() ? "" : "; ") + error.to_string();
    }
    spdlog::error("reload failed; keeping the running configuration");
    last_reload_ok_ = false;
    publish_snapshot();  // the failed reload shows at once, not at the next refresh
    return false;
  }
  auto targets = alerts::targets_from_config(loaded->config.alerts);
  if (!targets) {
    last_reload_error_ = targets.error();
    spdlog::error("reload rejected: {}; keeping the running configuration", targets.error());
    last_reload_ok_ = false;
    publish_snapshot();
    return false;
  }
  for (const auto& warning : loaded->warnings) spdlog::warn("{}", warning);
  for (const auto& key : keys_needing_restart(config_, loaded->config)) {
    spdlog::warn("{} changed; the new value takes effect after a restart", key);
  }
  apply_logging(loaded->config);
  // The old pools close before the new ones open: a member never sees more than pool.max of our
  // sessions, even across a reload.
  swap_runtime(nullptr);  // publishers read config_ only while a runtime exists
  {
    std::lock_guard lock(runtime_mutex_);
    config_ = std::move(loaded->config);
  }
  swap_runtime(build_runtime(config_));
  if (alerts_) alerts_->reconfigure(config_, std::move(*targets));
  last_reload_ok_ = true;
  publish_snapshot();  // the new set of clusters and members shows at once
  spdlog::info("configuration reloaded: {} cluster(s)", config_.clusters.size());
  return true;
}

template <typename F>
static bool all_monitors(const std::vector<std::unique_ptr<cluster::ClusterRuntime>>& clusters, F f) {
  return std::ranges::all_of(clusters, [&](const auto& c) { return std::ranges::all_of(c->monitors(), f); });
}

bool Daemon::first_cycle_done() const {
  return all_monitors(runtime_->clusters, [](const auto& m) { return m->snapshot().checked; });
}

bool Daemon::loops_advancing() const {
  const auto now = clock_.now();
  const auto advancing = [&](const PeriodicWorker* worker) {
    // A loop may be legitimately busy for a connect plus a query past its own interval.
    const auto allowance = 3 * worker->interval() + std::chrono::seconds(10);
    return worker->runs() == 0 || now - worker->last_run_end() < allowance;
  };
  if (alerts_ && !advancing(&alerts_->worker())) return false;
  return std::ranges::all_of(runtime_->clusters,
                             [&](const auto& cluster) { return std::ranges::all_of(cluster->workers(), advancing); });
}

std::string Daemon::status_line() const {
  int up = 0;
  int total = 0;
  for (const auto& cluster : runtime_->clusters) {
    for (const auto& monitor : cluster->monitors()) {
      ++total;
      if (monitor->snapshot().reachable) ++up;
    }
  }
  return fmt::format("{} of {} members up", up, total);
}

int Daemon::run() {
  apply_logging(config_);
  spdlog::info("pgvigil {} starting with {} ({} cluster(s))", PGVIGIL_VERSION, config_.source, config_.clusters.size());
  // A new record shows in /actions and the metrics at once, not at the next refresh.
  actions_ = std::make_unique<queries::ActionJournal>(config_.daemon.state_dir, clock_, [this] { publish_snapshot(); });
  statements_ = std::make_unique<queries::IntervalJournal>(config_.daemon.state_dir, clock_);
  auto targets = alerts::targets_from_config(config_.alerts);
  if (!targets) {
    spdlog::critical("{}", targets.error());
    return kExitConfig;
  }
  alerts_ = std::make_unique<alerts::AlertEngine>(config_, std::move(*targets), [this] { return store_.current(); },
                                                  clock_);
  actions_->add_listener([engine = alerts_.get()](const queries::ActionRecord& record) { engine->on_action(record); });
  swap_runtime(build_runtime(config_));
  metrics_ = std::make_unique<metrics::MetricsEndpoint>([this] { return store_.current(); }, clock_);
  http::Hooks hooks;
  hooks.snapshot = [this] { return store_.current(); };
  hooks.metrics_text = [this] { return metrics_->render(); };
  hooks.reload = [this] { return request_reload(); };
  auto server = http::HttpServer::start(config_.http, std::move(hooks), kHttpThreads);
  if (!server) {
    spdlog::critical("cannot serve HTTP on {}: {}", config_.http.listen, server.error());
    swap_runtime(nullptr);
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
    refresh_snapshot_if_due();  // keeps liveness and staleness current even when no cycle finishes
    bool ready_now = false;
    std::string status;
    {
      std::lock_guard lock(runtime_mutex_);
      ready_now = first_cycle_done();
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
  swap_runtime(nullptr);
  alerts_.reset();  // what is not delivered yet stays in the spool for the next start
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return kExitOk;
}

}  // namespace pgvigil::app

namespace pgvigil::app {

int Daemon::run_once() {
  apply_logging(config_);
  swap_runtime(build_runtime(config_));
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
  swap_runtime(nullptr);
  switch (snapshot->status()) {
    case health::Status::healthy: return 0;
    case health::Status::degraded: return 1;
    case health::Status::unhealthy: return 2;
  }
  return 3;
}

}  // namespace pgvigil::app
