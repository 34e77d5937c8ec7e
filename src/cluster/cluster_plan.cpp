#include "cluster/cluster_plan.h"

#include <algorithm>

#include "health/checks/check.h"
#include "health/schema/schema_sql.h"

namespace pgvigil::cluster {

const config::MemberConfig* ClusterPlan::member(const std::string& name) const {
  auto it = std::ranges::find_if(config.members, [&](const auto& m) { return m.name == name; });
  return it == config.members.end() ? nullptr : &*it;
}

const std::string& ClusterPlan::cycle_query(bool with_costly, health::SessionSource sessions) const {
  if (sessions == health::SessionSource::activity_poll) {
    return with_costly ? *with_costly_query_polled_sessions : *regular_query_polled_sessions;
  }
  return with_costly ? *with_costly_query : *regular_query;
}

PlanPtr make_plan(const config::ClusterConfig& config) {
  auto plan = std::make_shared<ClusterPlan>();
  plan->config = config;
  plan->regular_query = share_text(health::build_cycle_query(config.health, false));
  plan->with_costly_query = share_text(health::build_cycle_query(config.health, true));
  plan->regular_query_polled_sessions =
      share_text(health::build_cycle_query(config.health, false, health::SessionSource::activity_poll));
  plan->with_costly_query_polled_sessions =
      share_text(health::build_cycle_query(config.health, true, health::SessionSource::activity_poll));
  if (config.schema) plan->schema_catalog_sql = health::schema_catalog_sql(*config.schema);
  if (auto it = config.health.checks.find("write_probe"); it != config.health.checks.end() && it->second.enabled) {
    plan->heartbeat_table = it->second.table;
  }
  return plan;
}

bool needs_new_sessions(const config::MemberConfig& a, const config::ClusterConfig& ca, const config::MemberConfig& b,
                        const config::ClusterConfig& cb) {
  return a.params != b.params || a.inline_password != b.inline_password || a.password_file != b.password_file ||
         ca.pool != cb.pool || ca.retry != cb.retry || ca.health.query_timeout != cb.health.query_timeout;
}

}  // namespace pgvigil::cluster
