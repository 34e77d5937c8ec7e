// The health cycle of one member, a task of the health scheduler every health.interval: through
// the member's pool (a session reserved for it whenever pool.max allows), one prepared statement for the regular checks or, every slow_checks_interval, one for the
// regular and the costly ones together (a replica first reads the primary's WAL position on the
// primary); the answers are judged (health/checks), damped against flapping and published as a
// MemberSnapshot. The role it reads feeds the cluster's topology. wake() asks for a cycle now
// (the pool's idle-socket watch calls it when the server closed our sessions). Logs each change
// of state once. When given the cluster's StatementsAvailability board, a member whose
// pg_stat_statements cannot be read gets a `pg_stat_statements` warning with the fix. With a
// schema section, a primary also runs the schema check when it is due (schema.interval): one or
// two statements of its own on the cycle's connection, then the migrations directory once the
// connection is given back; its last answer is judged every cycle until the next run.
// While the member's activity poll (the canceller) posts fresh session readings to the cluster's
// SessionBoard, the session checks adopt those and the cycle's statement leaves pg_stat_activity
// alone; otherwise it scans it itself.
// Only evidence from the server or the network changes the verdict: when the daemon itself keeps
// the cycle from running (no free session of its own, a cycle that started late) the last verdict
// stands and an `info` reason of check `monitor` says why.
// A member being rebuilt after a reload runs out of service: it reports no role and publishes to
// no one until its ClusterRuntime puts it in service. snapshot() is thread-safe.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "cluster/member_context.h"
#include "health/flap_damper.h"
#include "health/observations.h"
#include "health/schema/schema_observation.h"
#include "health/snapshot.h"
#include "queries/statements_availability.h"
#include "util/scheduler.h"

namespace pgvigil::cluster {

// The check name of the reasons that say the daemon, not the server, held a cycle back.
inline constexpr std::string_view kMonitorCheck = "monitor";

class MemberMonitor {
 public:
  enum class Service { in_service, out_of_service };

  MemberMonitor(MemberContext context, Scheduler& scheduler, std::function<void()> on_publish,
                const queries::StatementsAvailability* statements = nullptr, Service service = Service::in_service);

  health::MemberSnapshot snapshot() const;  // only once the constructor has returned
  const std::string& name() const { return ctx_.member; }
  const ScheduledTask& worker() const { return *task_; }
  void wake() { task_->wake(); }
  void request_stop() { task_->request_stop(); }
  void set_interval(std::chrono::nanoseconds interval) { task_->set_interval(interval); }
  // Puts a member built beside the one in service into service: from now on it reports its role
  // (at once, from its last cycle) and publishes.
  void enter_service();

 private:
  void cycle(std::stop_token stop);
  std::optional<health::Lsn> read_primary_lsn(const ClusterPlan& plan);
  std::expected<void, db::Error> read_member(const ClusterPlan& plan, db::Connection& session, bool costly_due,
                                             health::SessionSource sessions, health::Observations& obs);
  void keep_costly(const health::Observations& fresh);
  bool run_schema(const ClusterPlan& plan, db::Connection& connection, SteadyTime started);
  void forget_schema();  // a replica, or a server that went away, has no schema result
  void mark_down(const db::Error& error, SteadyTime started);
  void delayed_by_monitor(const db::Error& error, SteadyTime started);
  // fresh: the server answered (or failed) in this cycle; kept: the last verdict carried over.
  enum class Renewal { fresh, kept };
  void publish(health::MemberSnapshot next, SteadyTime started, Renewal renewal = Renewal::fresh);
  bool in_service() const;

  const MemberContext ctx_;
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
  struct DelayNote {
    SteadyTime at;
    std::string kind;  // pool_exhausted | cycle_delayed
    std::string message;
  };
  std::optional<DelayNote> last_delay_;  // the daemon's last delay of this member's cycle
  std::uint64_t cycles_ = 0;

  mutable std::mutex mutex_;
  health::MemberSnapshot snapshot_;
  bool in_service_;  // guarded by mutex_
  std::unique_ptr<ScheduledTask> task_;  // last: its runs use everything above
};

}  // namespace pgvigil::cluster
