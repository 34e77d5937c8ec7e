#include "pool/connection_pool.h"

#include <fmt/format.h>

#include <algorithm>

namespace pgvigil::pool {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kValidationTimeout{1000};

// A session in use is usually back within milliseconds, and each one the pool opens costs the
// server a backend and the daemon its buffers for as long as the pool keeps it. So before it
// grows, an acquire waits a little for one to come back: the health cycle behind another health
// statement (a replica reading its primary's position while the primary's own cycle runs), other
// work behind anything. The health cycle never waits behind other work.
constexpr milliseconds kGrowPatience{100};

}  // namespace

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)), born_(other.born_),
      purpose_(other.purpose_), keep_(std::move(other.keep_)) {
  other.connection_.reset();
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    other.connection_.reset();
    born_ = other.born_;
    purpose_ = other.purpose_;
    keep_ = std::move(other.keep_);
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::release() {
  if (pool_ && connection_) pool_->give_back(std::move(*connection_), born_, purpose_);
  connection_.reset();
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(std::string member, const config::PoolConfig& config, const config::RetryConfig& retry,
                               SpecSource spec_source, const Clock& clock, const db::Interrupter& interrupter,
                               SocketWatch* watch, std::function<void()> on_lost, std::function<double()> random)
    : member_(std::move(member)), config_(config), spec_source_(std::move(spec_source)), clock_(clock),
      interrupter_(interrupter), watch_(watch), on_lost_(std::move(on_lost)),
      circuit_(Backoff(retry.base, retry.max, retry.multiplier), retry.circuit_after, std::move(random)) {
  counters_.max = config_.max;
  if (watch_) watch_id_ = watch_->register_pool([this] { on_socket_event(); });
}

ConnectionPool::~ConnectionPool() {
  if (watch_) watch_->unregister_pool(watch_id_);  // waits for an event being handed to us
}

int ConnectionPool::limit_for(Purpose purpose) const {
  if (purpose == Purpose::health || config_.max < 2) return config_.max;
  return config_.max - 1;  // one session stays for the health cycle
}

void ConnectionPool::keep_idle(Idle item) {
  if (watch_) watch_->watch(item.connection.socket(), watch_id_);
  idle_.push_front(std::move(item));
}

ConnectionPool::Idle ConnectionPool::take_idle() {
  Idle item = std::move(idle_.front());
  idle_.pop_front();
  if (watch_) watch_->unwatch(item.connection.socket());
  return item;
}

bool ConnectionPool::drop_lost_idle() {
  const auto before = idle_.size();
  std::erase_if(idle_, [](Idle& item) { return !item.connection.check_idle(); });
  if (idle_.size() == before) {
    // The watch fires once per arming: arm the survivors again.
    if (watch_) {
      for (const auto& item : idle_) watch_->watch(item.connection.socket(), watch_id_);
    }
    return false;
  }
  counters_.lost_detected += before - idle_.size();
  // Its other sessions went with the server.
  for (const auto& item : idle_) {
    if (watch_) watch_->unwatch(item.connection.socket());
  }
  idle_.clear();
  return true;
}

void ConnectionPool::on_socket_event() {
  bool lost = false;
  {
    std::lock_guard lock(mutex_);
    lost = drop_lost_idle();
  }
  if (lost && on_lost_) on_lost_();
}

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

std::expected<Lease, db::Error> ConnectionPool::acquire(Purpose purpose) {
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
  const int limit = limit_for(purpose);
  auto hold = [&](int delta) {
    if (purpose == Purpose::other) other_held_ += delta;
  };
  const auto grow_after = started + kGrowPatience;
  for (;;) {
    while (!idle_.empty() && (purpose == Purpose::health || other_held_ < limit)) {
      Idle item = take_idle();
      ++in_use_;
      hold(1);
      const auto now = clock_.now();
      bool usable = !expired(item.born, now);
      const bool stale = now - item.last_used >= config_.validation_interval;
      lock.unlock();
      usable = usable && item.connection.check_idle();
      if (usable && stale) usable = item.connection.query("SELECT 1", kValidationTimeout).has_value();
      lock.lock();
      if (usable) {
        ++counters_.acquires;
        return finish(Lease(this, std::move(item.connection), item.born, purpose));
      }
      --in_use_;
      hold(-1);
      ++counters_.validations_failed;
    }
    const bool may_take = purpose == Purpose::health || other_held_ < limit;
    const bool wait_first = total() > 0 && std::chrono::steady_clock::now() < grow_after &&
                            (purpose == Purpose::other || other_held_ == 0);
    if (may_take && total() < config_.max && wait_first) {
      cv_.wait_until(lock, std::min(grow_after, deadline));
      continue;
    }
    if (may_take && total() < config_.max) {
      if (!circuit_.allow_attempt(clock_.now())) return finish(std::unexpected(circuit_open_error()));
      hold(1);
      auto opened = open_one(lock);
      if (!opened) {
        hold(-1);
        return finish(std::unexpected(opened.error()));
      }
      ++in_use_;
      ++counters_.acquires;
      return finish(Lease(this, std::move(*opened), clock_.now(), purpose));
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      const bool free_now = purpose == Purpose::health || other_held_ < limit;
      if (free_now && (!idle_.empty() || total() < config_.max)) continue;  // freed at the last moment
      ++counters_.acquire_timeouts;
      db::Error error{db::ErrorKind::timeout, "",
                      fmt::format("no monitoring session to {} free within {}ms: pgvigil's own work holds {} of {}",
                                  member_, config_.acquire_timeout.count(), total(), config_.max),
                      true, "raise pool.max or pool.acquire_timeout, or look for slow monitoring queries"};
      error.monitor_side = true;
      return finish(std::unexpected(std::move(error)));
    }
  }
}

void ConnectionPool::give_back(db::Connection connection, SteadyTime born, Purpose purpose) {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (purpose == Purpose::other) --other_held_;
    if (connection.is_open() && !expired(born, clock_.now())) {
      keep_idle(Idle{std::move(connection), born, clock_.now()});
    } else if (connection.is_open()) {
      ++counters_.rotations;
    }
  }
  cv_.notify_all();  // a waiter of either purpose may now go
}

bool ConnectionPool::maintain() {
  std::unique_lock lock(mutex_);
  const auto now = clock_.now();
  // Sessions the server closed (a killed postmaster, a restart, pg_terminate_backend).
  const bool lost = drop_lost_idle();
  // Idle beyond idle_timeout, least recently used first, never below min.
  while (static_cast<int>(idle_.size()) + in_use_ > config_.min && !idle_.empty() &&
         now - idle_.back().last_used >= config_.idle_timeout) {
    if (watch_) watch_->unwatch(idle_.back().connection.socket());
    idle_.pop_back();
    ++counters_.idle_closed;
  }
  // Past max_lifetime: one at a time, so the pool never empties at once.
  if (auto it = std::ranges::find_if(idle_, [&](const Idle& item) { return expired(item.born, now); });
      it != idle_.end()) {
    if (watch_) watch_->unwatch(it->connection.socket());
    idle_.erase(it);
    ++counters_.rotations;
  }
  if (total() < config_.min && !lost && circuit_.allow_attempt(now)) {
    if (auto opened = open_one(lock)) keep_idle(Idle{std::move(*opened), clock_.now(), clock_.now()});
  }
  lock.unlock();
  cv_.notify_all();
  if (lost && on_lost_) on_lost_();
  return lost;
}

void ConnectionPool::close_idle() {
  std::lock_guard lock(mutex_);
  for (const auto& item : idle_) {
    if (watch_) watch_->unwatch(item.connection.socket());
  }
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
