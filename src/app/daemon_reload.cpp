// The daemon's reload: POST /-/reload handed to the main thread, the file validated, and the new
// configuration applied cluster by cluster (app/daemon.h, cluster/cluster_runtime.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "app/daemon.h"
#include "app/reload_diff.h"

namespace pgvigil::app {
namespace {

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

// Only the main thread changes clusters_, so it reads the list here without the lock; the lock is
// taken to put the new list in place, and clusters are stopped outside it.
void Daemon::apply_clusters(const config::Config& next) {
  std::map<std::string, std::unique_ptr<cluster::ClusterRuntime>> added;
  for (const auto& cluster_config : next.clusters) {
    auto it = std::ranges::find_if(clusters_, [&](const auto& c) { return c->name() == cluster_config.name; });
    if (it != clusters_.end()) {
      (*it)->reconfigure(cluster_config);
    } else {
      spdlog::info("cluster={} added: shown once its first cycle is done", cluster_config.name);
      added[cluster_config.name] = build_cluster(cluster_config);
    }
  }
  ClusterList removed;
  {
    std::lock_guard lock(runtime_mutex_);
    ClusterList list;
    for (const auto& cluster_config : next.clusters) {
      if (auto it = added.find(cluster_config.name); it != added.end()) {
        list.push_back(std::move(it->second));
        hidden_.push_back(cluster_config.name);
        continue;
      }
      auto it = std::ranges::find_if(clusters_, [&](const auto& c) { return c && c->name() == cluster_config.name; });
      list.push_back(std::move(*it));
    }
    for (auto& cluster : clusters_) {
      if (cluster) removed.push_back(std::move(cluster));
    }
    clusters_ = std::move(list);
  }
  for (const auto& cluster : removed) spdlog::info("cluster={} removed", cluster->name());
  stop_clusters(std::move(removed));
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
  apply_clusters(loaded->config);
  {
    std::lock_guard lock(runtime_mutex_);
    config_ = std::move(loaded->config);
    set_probe_defaults();
  }
  if (statements_) statements_->set_max_bytes(config_.daemon.statement_history_max_bytes);
  if (alerts_) alerts_->reconfigure(config_, std::move(*targets));
  last_reload_ok_ = true;
  publish_snapshot();  // the new set of clusters and members shows at once
  spdlog::info("configuration reloaded: {} cluster(s)", config_.clusters.size());
  return true;
}

}  // namespace pgvigil::app
