// The monitoring connections to one member: at most `max` open at any moment, whatever fails.
// acquire() hands out an exclusive Lease (RAII: it returns the session on destruction, and a
// broken session is discarded, never reused); callers beyond `max` wait up to acquire_timeout.
// The health cycle comes first: with max >= 2, other work (activity polls, statement sampling)
// holds at most max - 1 sessions, so one is always there for the health cycle and it never waits
// behind them; with max 1 they share the one session. A wait that times out because our own
// work holds every session is the daemon's limit, not the server's: its error says so
// (Error::monitor_side), and callers must not read it as the member being down.
// New connections go through a CircuitBreaker so a dead member costs one attempt per backoff
// step. Idle sessions are validated before reuse when idle longer than validation_interval.
// maintain() (called periodically) closes idle and expired sessions, refills to `min` and
// notices sessions the server closed; given a SocketWatch, the sockets of idle sessions are also
// watched between passes, so a server that goes away is noticed within milliseconds and
// `on_lost` is called. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/connection.h"
#include "pool/circuit_breaker.h"
#include "pool/pool_stats.h"
#include "pool/socket_watch.h"
#include "util/clock.h"

namespace pgvigil::pool {

class ConnectionPool;

// Who asks for a session: the health cycle has a session of its own whenever pool.max allows.
enum class Purpose { health, other };

class Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  db::Connection& operator*() { return *connection_; }
  db::Connection* operator->() { return &*connection_; }
  explicit operator bool() const { return connection_.has_value(); }

  // Keeps the pool alive for as long as the lease (a lease taken from another member's pool).
  void keep_pool(std::shared_ptr<const void> pool) { keep_ = std::move(pool); }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, db::Connection connection, SteadyTime born, Purpose purpose)
      : pool_(pool), connection_(std::move(connection)), born_(born), purpose_(purpose) {}
  void release();

  ConnectionPool* pool_ = nullptr;
  std::optional<db::Connection> connection_;
  SteadyTime born_{};
  Purpose purpose_ = Purpose::other;
  std::shared_ptr<const void> keep_;  // after connection_: released once the session is back
};

// Builds the spec for each new connection (re-reading the password file) or explains why not.
using SpecSource = std::function<std::expected<db::ConnectSpec, std::string>()>;

class ConnectionPool {
 public:
  // `on_lost` runs (on the watch's thread or the maintain() caller's) when the server closed an
  // idle session: the member may be down. `watch` may be null (no socket watch).
  ConnectionPool(std::string member, const config::PoolConfig& config, const config::RetryConfig& retry,
                 SpecSource spec_source, const Clock& clock, const db::Interrupter& interrupter,
                 SocketWatch* watch = nullptr, std::function<void()> on_lost = {},
                 std::function<double()> random = unit_random);
  ~ConnectionPool();  // all leases must have been returned

  std::expected<Lease, db::Error> acquire(Purpose purpose = Purpose::other);

  // Returns whether the server closed an idle session (then every idle session is closed).
  bool maintain();

  // Closes every idle session (e.g. after the member was found down) so none is reused.
  void close_idle();

  PoolStats stats() const;
  const std::string& member() const { return member_; }
  std::optional<db::Error> last_connect_error() const;

 private:
  friend class Lease;
  struct Idle {
    db::Connection connection;
    SteadyTime born;
    SteadyTime last_used;
  };

  void give_back(db::Connection connection, SteadyTime born, Purpose purpose);
  void on_socket_event();
  bool drop_lost_idle();  // with mutex_ held; whether any idle session was gone
  void keep_idle(Idle item);  // with mutex_ held
  Idle take_idle();           // with mutex_ held
  int limit_for(Purpose purpose) const;
  // Opens one session with `lock` released during the connect; the caller reserved the slot.
  std::expected<db::Connection, db::Error> open_one(std::unique_lock<std::mutex>& lock);
  bool expired(SteadyTime born, SteadyTime now) const;
  db::Error circuit_open_error() const;
  int total() const { return static_cast<int>(idle_.size()) + in_use_ + opening_; }

  const std::string member_;
  const config::PoolConfig config_;
  const SpecSource spec_source_;
  const Clock& clock_;
  const db::Interrupter& interrupter_;
  SocketWatch* const watch_;
  const std::function<void()> on_lost_;
  std::uint64_t watch_id_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Idle> idle_;  // front = most recently used
  int in_use_ = 0;
  int opening_ = 0;
  int waiting_ = 0;
  int other_held_ = 0;  // in use or opening for Purpose::other
  CircuitBreaker circuit_;
  std::optional<db::Error> last_error_;
  PoolStats counters_;
};

}  // namespace pgvigil::pool
