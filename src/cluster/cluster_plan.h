// One cluster's configuration and what is derived from it once (the health cycle's statements,
// the schema check's catalog statement), shared read-only by every member of the cluster: no
// member keeps a copy of its own. A reload that changes thresholds, intervals or checks swaps in
// a new plan (PlanBoard), which the members read at the start of their next run.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "health/checks/check.h"
#include "util/shared_text.h"

namespace pgvigil::cluster {

struct ClusterPlan {
  config::ClusterConfig config;
  // Shared with every other cluster whose health settings make the same statement.
  SharedText regular_query;      // the regular checks
  SharedText with_costly_query;  // the regular checks and the costly ones
  // The same two without the session checks, for the cycles that adopt the activity poll's
  // reading of pg_stat_activity instead (queries/session_board.h).
  SharedText regular_query_polled_sessions;
  SharedText with_costly_query_polled_sessions;
  std::string schema_catalog_sql; // empty without a schema section
  std::optional<std::string> heartbeat_table;  // set when write_probe is enabled

  const config::MemberConfig* member(const std::string& name) const;
  // The cycle's statement: with the costly checks or not, scanning pg_stat_activity or not.
  const std::string& cycle_query(bool with_costly, health::SessionSource sessions) const;
};

using PlanPtr = std::shared_ptr<const ClusterPlan>;

PlanPtr make_plan(const config::ClusterConfig& config);

// The plan in force. Thread-safe; current() is a pointer copy under a mutex.
class PlanBoard {
 public:
  explicit PlanBoard(PlanPtr plan) : plan_(std::move(plan)) {}
  PlanPtr current() const {
    std::lock_guard lock(mutex_);
    return plan_;
  }
  void replace(PlanPtr plan) {
    std::lock_guard lock(mutex_);
    plan_.swap(plan);
  }

 private:
  mutable std::mutex mutex_;
  PlanPtr plan_;
};

// Whether two member settings need a new session to take effect: the member's connection
// settings, or the pool and retry settings its sessions are made with. Line numbers don't count.
bool needs_new_sessions(const config::MemberConfig& a, const config::ClusterConfig& ca, const config::MemberConfig& b,
                        const config::ClusterConfig& cb);

}  // namespace pgvigil::cluster
