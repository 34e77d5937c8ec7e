// The health cycle of one member, on its own thread every health.interval: through the member's
// pool, one prepared statement for the regular checks or, every slow_checks_interval, one for the
// regular and the costly ones together (a replica first reads the primary's WAL position on the
// primary); the answers are judged (health/checks), damped against flapping and published as a
// MemberSnapshot. The role it reads feeds the cluster's topology. wake() asks for a cycle now
// (the pool's idle-socket watch calls it when the server closed our sessions). Logs each change
// of state once. When given the cluster's StatementsAvailability board, a member whose
// pg_stat_statements cannot be read gets a `pg_stat_statements` warning with the fix. With a
// schema section, a primary also runs the schema check when it is due (schema.interval): one or
// two statements of its own on the cycle's connection, then the migrations directory once the
// connection is given back; its last answer is judged every cycle until the next run.
// snapshot() is thread-safe.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "config/config.h"
#include "health/flap_damper.h"
#include "health/observations.h"
#include "health/schema/schema_observation.h"
#include "health/snapshot.h"
#include "pool/pool_manager.h"
#include "queries/statements_availability.h"
#include "util/periodic_worker.h"

namespace pgvigil::cluster {

class MemberMonitor {
 public:
  MemberMonitor(const config::ClusterConfig& cluster, const config::MemberConfig& member, pool::PoolManager& pools,
                const Clock& clock, std::function<void()> on_publish,
                const queries::StatementsAvailability* statements = nullptr);

  health::MemberSnapshot snapshot() const;  // only once the constructor has returned
  const std::string& name() const { return member_; }
  const PeriodicWorker& worker() const { return *worker_; }
  void wake() { worker_->wake(); }
  void request_stop() { worker_->request_stop(); }

 private:
  void cycle(std::stop_token stop);
  std::optional<health::Lsn> read_primary_lsn();
  std::expected<void, db::Error> read_member(db::Connection& session, bool costly_due, health::Observations& obs);
  void keep_costly(const health::Observations& fresh);
  bool run_schema(db::Connection& connection, SteadyTime started);
  void forget_schema();  // a replica, or a server that went away, has no schema result
  void mark_down(const db::Error& error, SteadyTime started);
  void publish(health::MemberSnapshot next, SteadyTime started);

  const std::string cluster_;
  const std::string member_;
  const config::HealthConfig health_;
  const std::string regular_query_;
  const std::string with_costly_query_;  // the regular checks and the costly ones
  std::optional<std::string> heartbeat_table_;  // set when write_probe is enabled
  const std::optional<config::SchemaConfig> schema_;
  const std::string schema_catalog_sql_;  // empty without a schema section
  pool::PoolManager& pools_;
  const Clock& clock_;
  const std::function<void()> on_publish_;
  const queries::StatementsAvailability* statements_;  // null: pg_stat_statements is not sampled

  // Worker thread only.
  health::FlapDamper damper_;
  health::MemberRole last_role_ = health::MemberRole::unknown;
  SteadyTime next_costly_{};
  health::Observations costly_;  // the costly checks' last answers, reused between their runs
  std::optional<double> last_regular_seconds_;  // round trip of the last regular-only statement
  std::optional<std::pair<double, double>> last_cache_blocks_;
  std::optional<double> caught_up_at_;  // replica: server clock of the last cycle that saw it caught up
  SteadyTime next_schema_{};
  int schema_failures_ = 0;  // retryable failures in a row (a migration holding a lock)
  std::optional<health::SchemaObservation> schema_obs_;  // the last run's, while primary
  std::optional<double> schema_seconds_;  // round trip of the last run's statements
  std::vector<std::string> alembic_versions_;
  std::string last_logged_;
  std::uint64_t cycles_ = 0;

  mutable std::mutex mutex_;
  health::MemberSnapshot snapshot_;
  std::unique_ptr<PeriodicWorker> worker_;  // last: its thread uses everything above
};

}  // namespace pgvigil::cluster
