// The monitoring connections to one member: at most `max` open at any moment, whatever fails.
// acquire() hands out an exclusive Lease (RAII: it returns the session on destruction, and a
// broken session is discarded, never reused); callers beyond `max` wait up to acquire_timeout.
// New connections go through a CircuitBreaker so a dead member costs one attempt per backoff
// step. Idle sessions are validated before reuse when idle longer than validation_interval.
// maintain() (called by the manager's maintenance thread) closes idle and expired sessions,
// refills to `min` and notices sessions the server closed. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/connection.h"
#include "pool/circuit_breaker.h"
#include "pool/pool_stats.h"
#include "util/clock.h"

namespace pgvigil::pool {

class ConnectionPool;

class Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  db::Connection& operator*() { return *connection_; }
  db::Connection* operator->() { return &*connection_; }
  explicit operator bool() const { return connection_.has_value(); }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, db::Connection connection, SteadyTime born)
      : pool_(pool), connection_(std::move(connection)), born_(born) {}
  void release();

  ConnectionPool* pool_ = nullptr;
  std::optional<db::Connection> connection_;
  SteadyTime born_{};
};

// Builds the spec for each new connection (re-reading the password file) or explains why not.
using SpecSource = std::function<std::expected<db::ConnectSpec, std::string>()>;

class ConnectionPool {
 public:
  ConnectionPool(std::string member, const config::PoolConfig& config, const config::RetryConfig& retry,
                 SpecSource spec_source, const Clock& clock, const db::Interrupter& interrupter,
                 std::function<void()> on_idle_change = {}, std::function<double()> random = unit_random);
  ~ConnectionPool();  // all leases must have been returned

  std::expected<Lease, db::Error> acquire();

  struct Maintenance {
    bool lost = false;  // the server closed an idle session: the member may be down
    std::vector<int> idle_sockets;  // to watch until the next pass
  };
  Maintenance maintain();

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

  void give_back(db::Connection connection, SteadyTime born);
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
  const std::function<void()> on_idle_change_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Idle> idle_;  // front = most recently used
  int in_use_ = 0;
  int opening_ = 0;
  int waiting_ = 0;
  CircuitBreaker circuit_;
  std::optional<db::Error> last_error_;
  PoolStats counters_;
};

}  // namespace pgvigil::pool
