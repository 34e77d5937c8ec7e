#include "alerts/delivery_worker.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "alerts/hmac_signature.h"
#include "alerts/http_sender.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;

// With nothing to send a thread sleeps until woken; it looks again now and then all the same so
// that no single missed wake-up can strand a delivery.
constexpr auto kIdleRecheck = 1min;

std::int64_t unix_seconds(WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

struct Dispatcher::Worker {
  Target target;
  std::string key;
  std::string url;

  mutable std::mutex mutex;
  std::condition_variable_any cv;
  bool woken = false;  // guarded by mutex, as are the counters and stats below
  std::uint64_t delivered = 0;
  std::uint64_t rejected = 0;
  std::uint64_t retried = 0;
  TargetDeliveryStats stats;

  std::jthread thread;  // started once everything above is set
};

Dispatcher::Dispatcher(std::string state_dir, std::uint64_t spool_max_bytes, std::vector<Target> targets,
                       const Clock& clock, RetryPolicy retry)
    : clock_(clock), backoff_(retry.base, retry.max, retry.multiplier), spool_(std::move(state_dir), spool_max_bytes) {
  std::map<std::string, std::size_t, std::less<>> urls_per_sink;
  for (Target& target : targets) {
    auto worker = std::make_unique<Worker>();
    worker->key = target_key(target.sink, urls_per_sink[target.sink]++);
    worker->url = post_url(target);
    worker->stats.target = worker->key;
    worker->stats.sink = target.sink;
    worker->target = std::move(target);
    workers_.push_back(std::move(worker));
  }
  drop_orphans();
  for (auto& worker : workers_) {
    Worker* raw = worker.get();
    raw->thread = std::jthread([this, raw](std::stop_token stop) { run(*raw, std::move(stop)); });
  }
}

Dispatcher::~Dispatcher() {
  // Ask every thread first and join afterwards, so that shutdown waits for the slowest POST in
  // flight rather than for all of them in turn.
  for (auto& worker : workers_) worker->thread.request_stop();
  for (auto& worker : workers_) worker->cv.notify_all();
  workers_.clear();
}

void Dispatcher::drop_orphans() {
  for (const std::string& target : spool_.pending_targets()) {
    const bool known = std::ranges::any_of(workers_, [&](const auto& worker) { return worker->key == target; });
    if (known) continue;
    const std::size_t dropped = spool_.drop_target(target);
    spdlog::warn("alerts: dropped {} undelivered notification(s) for {} from the spool: no such sink (or URL) in the "
                 "configuration any more",
                 dropped, target);
  }
}

std::size_t Dispatcher::submit(const std::string& sink, std::string body) {
  std::vector<Worker*> matching;
  for (auto& worker : workers_) {
    if (worker->target.sink == sink) matching.push_back(worker.get());
  }
  if (matching.empty()) {
    spdlog::warn("alerts: notification for unknown sink '{}' not sent", sink);
    return 0;
  }
  const WallTime now = clock_.wall_now();
  for (std::size_t i = 0; i < matching.size(); ++i) {
    Worker& worker = *matching[i];
    spool_.add(worker.key, i + 1 == matching.size() ? std::move(body) : body, now);
    {
      std::lock_guard lock(worker.mutex);
      worker.woken = true;
    }
    worker.cv.notify_all();
  }
  return matching.size();
}

// Signed at send time, not when spooled: a receiver that refuses old timestamps must not refuse
// a notification only because it waited out an outage in the spool.
Headers Dispatcher::headers_for(const Worker& worker, const std::string& body) const {
  Headers headers = worker.target.headers;
  if (worker.target.type == config::SinkType::webhook && !worker.target.secret.empty()) {
    SignatureHeaders signature = sign(worker.target.secret, unix_seconds(clock_.wall_now()), body);
    headers.emplace_back(std::string(kTimestampHeader), std::move(signature.timestamp));
    headers.emplace_back(std::string(kSignatureHeader), std::move(signature.signature));
  }
  return headers;
}

void Dispatcher::run(Worker& worker, std::stop_token stop) {
  // Thread names show up in top -H and gdb; Linux allows 15 characters.
  pthread_setname_np(pthread_self(), ("alert " + worker.key).substr(0, 15).c_str());
  int attempt = 0;  // failed attempts at the current delivery: drives the backoff
  while (!stop.stop_requested()) {
    {
      std::lock_guard lock(worker.mutex);
      worker.woken = false;  // before looking, so that a submit() from now on is not missed
    }
    const std::optional<Delivery> delivery = spool_.next(worker.key);
    if (!delivery) {
      std::unique_lock lock(worker.mutex);
      clock_.wait_until(lock, worker.cv, stop, clock_.now() + kIdleRecheck, [&] { return worker.woken; });
      continue;
    }

    {
      std::lock_guard lock(worker.mutex);
      worker.stats.last_attempt = clock_.wall_now();
    }
    const SendResult result =
        post_json(worker.url, delivery->body, headers_for(worker, delivery->body), worker.target.timeout);

    if (result.outcome == SendOutcome::retry) {
      const auto delay = backoff_.delay(attempt, unit_random());
      std::unique_lock lock(worker.mutex);
      ++worker.retried;
      ++worker.stats.consecutive_failures;
      worker.stats.last_error = result.error;
      // A long outage would otherwise write a line at every retry: warn at the 1st, 2nd, 4th, 8th...
      const std::uint64_t failures = worker.stats.consecutive_failures;
      const auto level = (failures & (failures - 1)) == 0 ? spdlog::level::warn : spdlog::level::debug;
      spdlog::log(level, "alerts: {} did not take notification {} ({}; {} failure(s) in a row); retrying in {} ms",
                  worker.key, delivery->id, result.error, failures, delay.count());
      ++attempt;
      // Not woken by submit(): the same delivery goes first whatever arrives meanwhile.
      clock_.wait_until(lock, worker.cv, stop, clock_.now() + delay, [] { return false; });
      continue;
    }

    {
      std::lock_guard lock(worker.mutex);
      if (result.outcome == SendOutcome::delivered) {
        if (attempt > 0) {
          spdlog::info("alerts: {} took notification {} after {} failed attempt(s)", worker.key, delivery->id,
                       attempt);
        }
        ++worker.delivered;
        worker.stats.last_success = clock_.wall_now();
        worker.stats.consecutive_failures = 0;
      } else {
        spdlog::warn("alerts: {} rejected notification {} ({}); dropped", worker.key, delivery->id, result.error);
        ++worker.rejected;
        ++worker.stats.consecutive_failures;
        worker.stats.last_error = result.error;
      }
    }
    // Done either way: accepted, or refused for good. Counted first, so that whoever sees the
    // queue shrink also sees the count.
    spool_.done(delivery->id);
    attempt = 0;
  }
}

DispatcherStats Dispatcher::stats() const {
  DispatcherStats out;
  const auto dropped = spool_.dropped_by_target();
  for (const auto& worker : workers_) {
    TargetDeliveryStats target;
    std::uint64_t delivered = 0;
    std::uint64_t rejected = 0;
    std::uint64_t retried = 0;
    {
      std::lock_guard lock(worker->mutex);
      target = worker->stats;
      delivered = worker->delivered;
      rejected = worker->rejected;
      retried = worker->retried;
    }
    target.queue_depth = spool_.pending_count(worker->key);

    auto sink = std::ranges::find(out.sinks, worker->target.sink, &SinkDeliveryStats::sink);
    if (sink == out.sinks.end()) {
      out.sinks.push_back({});
      sink = std::prev(out.sinks.end());
      sink->sink = worker->target.sink;
    }
    sink->delivered += delivered;
    sink->rejected += rejected;
    sink->retried += retried;
    sink->queue_depth += target.queue_depth;
    if (auto found = dropped.find(worker->key); found != dropped.end()) sink->dropped += found->second;
    out.targets.push_back(std::move(target));
  }
  out.queue_depth = spool_.pending_count();
  out.dropped_total = spool_.dropped_total();
  out.spool_bytes = spool_.bytes();
  out.spool_live_bytes = spool_.live_bytes();
  out.spool_durable = spool_.durable();
  return out;
}

}  // namespace pgvigil::alerts
