// Serves the daemon's HTTP API over a made-up fleet (bench/synthetic_fleet.h), with no database,
// so that bench/fleet_http.sh can measure /metrics and /health under wrk at fleet size on one
// machine. Like the daemon: 16 HTTP workers, /metrics through MetricsEndpoint, and a new daemon
// snapshot at every member cycle, which here replaces one cluster's snapshot in turn, the others
// shared.
//
//   pgvigil-fleet-server CLUSTERS CYCLE_EVERY_MS SECONDS
//
// Prints the port it listens on (127.0.0.1, chosen by the kernel), then serves for SECONDS or
// until SIGTERM or SIGINT, publishing a member cycle every CYCLE_EVERY_MS: 500 members checked
// every 5 s make one every 10 ms.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "config/config.h"
#include "health/snapshot_store.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/metrics_endpoint.h"
#include "synthetic_fleet.h"

namespace {

volatile sig_atomic_t stop_requested = 0;

void request_stop(int) { stop_requested = 1; }

long argument(int argc, char** argv, int index, long fallback) {
  return argc > index ? std::strtol(argv[index], nullptr, 10) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pgvigil;
  const auto clusters = static_cast<std::size_t>(argument(argc, argv, 1, 250));
  const long cycle_every_ms = argument(argc, argv, 2, 10);
  const long seconds = argument(argc, argv, 3, 600);
  if (clusters == 0 || cycle_every_ms <= 0 || seconds <= 0) {
    std::cerr << "usage: pgvigil-fleet-server CLUSTERS CYCLE_EVERY_MS SECONDS\n";
    return 2;
  }
  signal(SIGTERM, request_stop);
  signal(SIGINT, request_stop);
  spdlog::set_level(spdlog::level::warn);  // stdout carries the port alone

  health::SnapshotStore store;
  store.publish(bench::synthetic_snapshot(clusters));
  metrics::MetricsEndpoint metrics([&store] { return store.current(); });
  http::Hooks hooks;
  hooks.snapshot = [&store] { return store.current(); };
  hooks.metrics_text = [&metrics] { return metrics.render(); };
  config::HttpConfig config;
  config.listen = "127.0.0.1:0";
  auto server = http::HttpServer::start(config, hooks, 16);
  if (!server) {
    std::cerr << "cannot serve HTTP: " << server.error() << "\n";
    return 1;
  }
  std::cout << (*server)->port() << std::endl;

  const auto period = std::chrono::milliseconds(cycle_every_ms);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto next = std::chrono::steady_clock::now();
  std::size_t cluster = 0;
  double cycle = 0;
  while (stop_requested == 0 && next < deadline) {
    next += period;
    std::this_thread::sleep_until(next);
    store.publish(bench::replace_cluster(store.current(), cluster, ++cycle));
    cluster = (cluster + 1) % clusters;
  }
  (*server)->stop();
  return 0;
}
