#include "pool/connection_pool.h"

#include <fmt/format.h>

#include <algorithm>

namespace pgvigil::pool {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kValidationTimeout{1000};

}  // namespace

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)), born_(other.born_) {
  other.connection_.reset();
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    other.connection_.reset();
    born_ = other.born_;
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::release() {
  if (pool_ && connection_) pool_->give_back(std::move(*connection_), born_);
  connection_.reset();
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(std::string member, const config::PoolConfig& config, const config::RetryConfig& retry,
                               SpecSource spec_source, const Clock& clock, const db::Interrupter& interrupter,
                               std::function<void()> on_idle_change, std::function<double()> random)
    : member_(std::move(member)), config_(config), spec_source_(std::move(spec_source)), clock_(clock),
      interrupter_(interrupter), on_idle_change_(std::move(on_idle_change)),
      circuit_(Backoff(retry.base, retry.max, retry.multiplier), retry.circuit_after, std::move(random)) {
  counters_.max = config_.max;
}

ConnectionPool::~ConnectionPool() = default;

bool ConnectionPool::expired(SteadyTime born, SteadyTime now) const {
  return config_.max_lifetime.count() > 0 && now - born >= config_.max_lifetime;
}

std::expected<db::Connection, db::Error> ConnectionPool::open_one(std::unique_lock<std::mutex>& lock) {
  ++opening_;
  lock.unlock();
  std::expected<db::Connection, db::Error> opened = std::unexpected(db::Error{});
  if (auto spec = spec_source_(); !spec) {
    opened = std::unexpected(db::Error{db::ErrorKind::authentication, "", spec.error(), false,
                                       "make the password_file readable by the daemon's user"});
  } else {
    opened = db::Connection::open(*spec, db::SteadyClock::now() + config_.connect_timeout, &interrupter_);
  }
  lock.lock();
  --opening_;
  if (opened) {
    ++counters_.connects;
    circuit_.record_success();
    last_error_.reset();
  } else {
    ++counters_.connect_failures;
    circuit_.record_failure(clock_.now(), opened.error().retryable);
    last_error_ = opened.error();
    cv_.notify_all();  // a waiter may take the freed slot
  }
  return opened;
}

db::Error ConnectionPool::circuit_open_error() const {
  // The last real failure, unchanged, so that callers who log changes of error see no change
  // while the member stays down; stats() tells when the next attempt is due.
  return last_error_.value_or(db::make_connection_error("not connected yet"));
}

std::expected<Lease, db::Error> ConnectionPool::acquire() {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + config_.acquire_timeout;
  std::unique_lock lock(mutex_);
  ++waiting_;
  auto finish = [&](auto&& outcome) {
    --waiting_;
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    counters_.acquire_wait_seconds_total += waited;
    ++counters_.acquire_wait_counts[acquire_wait_bucket(waited)];
    return std::forward<decltype(outcome)>(outcome);
  };
  for (;;) {
    while (!idle_.empty()) {
      Idle item = std::move(idle_.front());
      idle_.pop_front();
      ++in_use_;
      const auto now = clock_.now();
      bool usable = !expired(item.born, now);
      const bool stale = now - item.last_used >= config_.validation_interval;
      lock.unlock();
      usable = usable && item.connection.check_idle();
      if (usable && stale) usable = item.connection.query("SELECT 1", kValidationTimeout).has_value();
      lock.lock();
      if (usable) {
        ++counters_.acquires;
        return finish(Lease(this, std::move(item.connection), item.born));
      }
      --in_use_;
      ++counters_.validations_failed;
    }
    if (total() < config_.max) {
      if (!circuit_.allow_attempt(clock_.now())) return finish(std::unexpected(circuit_open_error()));
      auto opened = open_one(lock);
      if (!opened) return finish(std::unexpected(opened.error()));
      ++in_use_;
      ++counters_.acquires;
      return finish(Lease(this, std::move(*opened), clock_.now()));
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && total() >= config_.max) {
      ++counters_.acquire_timeouts;
      return finish(std::unexpected(db::Error{
          db::ErrorKind::timeout, "",
          fmt::format("no connection to {} free within {}ms: all {} in use", member_,
                      config_.acquire_timeout.count(), config_.max),
          true, "raise pool.max or pool.acquire_timeout, or look for slow monitoring queries"}));
    }
  }
}

void ConnectionPool::give_back(db::Connection connection, SteadyTime born) {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (connection.is_open() && !expired(born, clock_.now())) {
      idle_.push_front(Idle{std::move(connection), born, clock_.now()});
    } else if (connection.is_open()) {
      ++counters_.rotations;
    }
  }
  cv_.notify_one();
  if (on_idle_change_) on_idle_change_();
}

ConnectionPool::Maintenance ConnectionPool::maintain() {
  Maintenance result;
  std::unique_lock lock(mutex_);
  const auto now = clock_.now();
  // Sessions the server closed (a killed postmaster, a restart, pg_terminate_backend).
  const auto before = idle_.size();
  std::erase_if(idle_, [](Idle& item) { return !item.connection.check_idle(); });
  if (idle_.size() != before) {
    counters_.lost_detected += before - idle_.size();
    result.lost = true;
  }
  // Idle beyond idle_timeout, least recently used first, never below min.
  while (static_cast<int>(idle_.size()) + in_use_ > config_.min && !idle_.empty() &&
         now - idle_.back().last_used >= config_.idle_timeout) {
    idle_.pop_back();
    ++counters_.idle_closed;
  }
  // Past max_lifetime: one at a time, so the pool never empties at once.
  if (auto it = std::ranges::find_if(idle_, [&](const Idle& item) { return expired(item.born, now); });
      it != idle_.end()) {
    idle_.erase(it);
    ++counters_.rotations;
  }
  if (total() < config_.min && !result.lost && circuit_.allow_attempt(now)) {
    if (auto opened = open_one(lock)) idle_.push_front(Idle{std::move(*opened), clock_.now(), clock_.now()});
  }
  for (const auto& item : idle_) result.idle_sockets.push_back(item.connection.socket());
  lock.unlock();
  cv_.notify_all();
  return result;
}

void ConnectionPool::close_idle() {
  std::lock_guard lock(mutex_);
  idle_.clear();
}

PoolStats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  PoolStats s = counters_;
  s.idle = static_cast<int>(idle_.size());
  s.in_use = in_use_;
  s.total = total();
  s.waiting = waiting_;
  s.circuit = circuit_.state();
  return s;
}

std::optional<db::Error> ConnectionPool::last_connect_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace pgvigil::pool
