// Delivers alert notifications to their sinks, durably and in order.
//
// submit() puts one delivery per target of the sink into the Spool (on disk before it returns)
// and wakes that target's thread. Each target has its own thread, so a slow or dead receiver
// delays nobody else. A thread sends its target's deliveries oldest first; a failure that may
// pass (5xx, timeout, no connection) is retried after an exponential backoff with full jitter,
// without skipping ahead, so a receiver sees notifications in the order they were made. A 4xx
// answer drops the delivery (logged and counted). Deliveries left in the spool by an earlier run
// are sent at start; those for targets no longer configured are dropped and counted.
//
// All waits go through the Clock. The destructor stops and joins every thread; a POST in flight
// ends within its timeout. submit() and stats() are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "alerts/delivery_target.h"
#include "alerts/dispatcher_stats.h"
#include "alerts/spool.h"
#include "util/backoff.h"
#include "util/clock.h"

namespace pgvigil::alerts {

struct RetryPolicy {
  std::chrono::milliseconds base{500};  // ceiling of the first retry's wait
  std::chrono::milliseconds max{30000};
  double multiplier = 2.0;
};

class Dispatcher {
 public:
  Dispatcher(std::string state_dir, std::uint64_t spool_max_bytes, std::vector<Target> targets, const Clock& clock,
             RetryPolicy retry = {});
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Queues `body` (a JSON document) for every target of `sink`; returns how many deliveries that
  // made (0 for an unknown sink, which is logged).
  std::size_t submit(const std::string& sink, std::string body);

  DispatcherStats stats() const;

 private:
  struct Worker;

  void drop_orphans();
  void run(Worker& worker, std::stop_token stop);
  Headers headers_for(const Worker& worker, const std::string& body) const;

  const Clock& clock_;
  const Backoff backoff_;
  Spool spool_;
  std::vector<std::unique_ptr<Worker>> workers_;  // last: their threads use everything above
};

}  // namespace pgvigil::alerts
