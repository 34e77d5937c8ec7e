// role: recovery state, timeline, system identifier, WAL positions and privileges. Always runs:
// the topology, the replication lag and the connectivity checks read what it reads.
#include "health/checks/role_check.h"

#include "health/checks/json_read.h"

namespace pgvigil::health {

// On a primary the timeline comes from the current WAL file name: pg_control_checkpoint() lags a
// promotion until the next checkpoint. On a replica, from the WAL receiver.
const std::string_view kRoleSql = R"SQL(json_build_object(
  'in_recovery', pg_catalog.pg_is_in_recovery(),
  'timeline', CASE WHEN pg_catalog.pg_is_in_recovery()
                THEN COALESCE((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver),
                              (pg_catalog.pg_control_checkpoint()).timeline_id)
                ELSE ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
  'system_identifier', (pg_catalog.pg_control_system()).system_identifier::text,
  'has_monitor', pg_catalog.pg_has_role(current_user, 'pg_monitor', 'USAGE'),
  'version', current_setting('server_version_num')::int,
  'uptime', extract(epoch FROM now() - pg_catalog.pg_postmaster_start_time()),
  'current_lsn', CASE WHEN NOT pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_current_wal_lsn()::text END,
  'receive_lsn', pg_catalog.pg_last_wal_receive_lsn()::text,
  'replay_lsn', pg_catalog.pg_last_wal_replay_lsn()::text,
  'replay_ts', extract(epoch FROM pg_catalog.pg_last_xact_replay_timestamp()),
  'now', extract(epoch FROM now()),
  'pause', CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_get_wal_replay_pause_state() END,
  'receiver', (SELECT status FROM pg_catalog.pg_stat_wal_receiver)))SQL";

void parse_role(const nlohmann::json& j, Observations& out) {
  auto& r = out.role;
  r.in_recovery = bool_at(j, "in_recovery");
  r.timeline = static_cast<std::int64_t>(number_at(j, "timeline").value_or(0));
  r.system_identifier = string_at(j, "system_identifier");
  r.has_monitor = bool_at(j, "has_monitor", true);
  r.server_version = static_cast<int>(number_at(j, "version").value_or(0));
  r.uptime_seconds = number_at(j, "uptime").value_or(0);
  r.current_lsn = parse_lsn(string_at(j, "current_lsn"));
  r.receive_lsn = parse_lsn(string_at(j, "receive_lsn"));
  r.replay_lsn = parse_lsn(string_at(j, "replay_lsn"));
  r.replay_timestamp = number_at(j, "replay_ts");
  r.server_now = number_at(j, "now").value_or(0);
  r.replay_pause_state = string_at(j, "pause");
  r.wal_receiver_status = string_at(j, "receiver");
}

void evaluate_role(const Observations& obs, const CheckContext&, Evaluation& out) {
  if (!obs.role.has_monitor) {
    out.add(Reason{"privileges", Severity::warning, "no pg_monitor", "pg_monitor",
                   "the monitoring role lacks pg_monitor: other sessions' activity reads as empty", 0},
            "GRANT pg_monitor TO the monitoring role (and pg_signal_backend to cancel sessions)");
  }
}

void evaluate_connectivity(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  judge_into(out, "connectivity", obs.latency_seconds, ctx.config.warning, ctx.config.critical, format_seconds,
             "the health query's round trip", "look for load on the server or the network path to it");
}

}  // namespace pgvigil::health
