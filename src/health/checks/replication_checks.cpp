#include "health/checks/replication_checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "health/checks/json_read.h"

namespace pgvigil::health {

const std::string_view kSlotsSql =
    "(SELECT json_build_object("
    "'retained', max(pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery() "
    "THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END, restart_lsn)), "
    "'worst', (array_agg(slot_name::text ORDER BY restart_lsn NULLS LAST))[1], "
    "'inactive', count(*) FILTER (WHERE NOT active), "
    "'lost', array_agg(slot_name::text) FILTER (WHERE wal_status = 'lost')) "
    "FROM pg_catalog.pg_replication_slots)";

// pg_ls_waldir() needs pg_monitor; without it the whole statement would fail.
const std::string_view kWalSql =
    "CASE WHEN pg_catalog.pg_has_role(current_user, 'pg_monitor', 'USAGE') "
    "THEN (SELECT sum(size) FROM pg_catalog.pg_ls_waldir()) END";

const std::string_view kArchiverSql =
    "(SELECT json_build_object('mode', current_setting('archive_mode'), 'failed', failed_count, "
    "'failing', CASE WHEN last_failed_time IS NOT NULL AND "
    "(last_archived_time IS NULL OR last_failed_time > last_archived_time) "
    "THEN extract(epoch FROM now() - coalesce(last_archived_time, stats_reset)) END) "
    "FROM pg_catalog.pg_stat_archiver)";

bool caught_up(const Observations& obs) {
  const auto& r = obs.role;
  if (!r.replay_lsn) return false;
  if (obs.primary_lsn && *r.replay_lsn >= *obs.primary_lsn) return true;
  // A streaming replica that has replayed all it received is not behind in time: what the primary
  // wrote since is in transit, counted in bytes.
  return r.wal_receiver_status == "streaming" && r.receive_lsn && *r.replay_lsn >= *r.receive_lsn;
}

ReplicationView replication_view(const Observations& obs) {
  const auto& r = obs.role;
  ReplicationView v;
  v.streaming = r.wal_receiver_status == "streaming";
  v.replay_paused = r.replay_pause_state == "paused" || r.replay_pause_state == "pause requested";
  if (!r.replay_lsn) return v;
  if (obs.primary_lsn) {
    v.lag_bytes = static_cast<double>(*obs.primary_lsn > *r.replay_lsn ? *obs.primary_lsn - *r.replay_lsn : 0);
  } else if (r.receive_lsn) {
    v.lag_bytes = static_cast<double>(*r.receive_lsn > *r.replay_lsn ? *r.receive_lsn - *r.replay_lsn : 0);
  }
  if (caught_up(obs)) {
    v.lag_seconds = 0.0;
    return v;
  }
  // Behind: whatever is not replayed was written after the last replayed commit and after the
  // replica was last seen caught up, so its age is at most the smaller of the two. The commit's
  // age alone overstates: on a quiet primary the pending WAL often holds no commit at all
  // (standby snapshots, checkpoints, page pruning), and a fresh replica has no commit to date.
  if (r.replay_timestamp) v.lag_seconds = std::max(0.0, r.server_now - *r.replay_timestamp);
  if (obs.caught_up_at) {
    const double since_caught_up = std::max(0.0, r.server_now - *obs.caught_up_at);
    v.lag_seconds = v.lag_seconds ? std::min(*v.lag_seconds, since_caught_up) : since_caught_up;
  }
  return v;
}

void parse_slots(const nlohmann::json& j, Observations& out) {
  SlotsObservation s;
  s.max_retained_bytes = number_at(j, "retained").value_or(0);
  s.worst_slot = string_at(j, "worst");
  s.inactive = static_cast<int>(number_at(j, "inactive").value_or(0));
  if (auto lost = j.find("lost"); lost != j.end() && lost->is_array()) {
    for (const auto& name : *lost) s.lost.push_back(name.get<std::string>());
  }
  out.slots = std::move(s);
}

void parse_wal(const nlohmann::json& j, Observations& out) {
  if (j.is_number()) out.wal_dir_bytes = j.get<double>();
}

void parse_archiver(const nlohmann::json& j, Observations& out) {
  ArchiverObservation a;
  const auto mode = string_at(j, "mode");
  a.enabled = mode == "on" || mode == "always";
  a.failed_count = static_cast<std::uint64_t>(number_at(j, "failed").value_or(0));
  a.failing_seconds = number_at(j, "failing");
  out.archiver = a;
}

void evaluate_replication_lag(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!ctx.is_replica) return;
  const auto v = replication_view(obs);
  const auto& c = ctx.config;
  if (!v.streaming) {
    out.add(Reason{"replication_lag", Severity::warning, "not streaming", "streaming",
                   "the WAL receiver is not streaming from the primary", 0},
            "check primary_conninfo, the primary's max_wal_senders and pg_hba.conf, and the replica's log");
  }
  if (v.replay_paused) {
    out.add(Reason{"replication_lag", Severity::warning, "replay paused", "replaying",
                   "WAL replay is paused on this replica", 0},
            "resume it with SELECT pg_wal_replay_resume() once the reason for pausing is gone");
  }
  const std::string advice = "look for long queries on the replica delaying replay, I/O saturation, or network";
  if (v.lag_seconds) {
    judge_into(out, "replication_lag", *v.lag_seconds, c.warning, c.critical, format_seconds, "replication lag",
               advice);
  }
  if (v.lag_bytes) {
    judge_into(out, "replication_lag", *v.lag_bytes, c.warning_bytes, c.critical_bytes, format_bytes,
               "replication lag in bytes", advice);
  }
}

void evaluate_slots(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.slots) return;
  const auto& s = *obs.slots;
  if (!s.lost.empty()) {
    out.add(Reason{"replication_slots", Severity::critical, fmt::format("{}", fmt::join(s.lost, ",")), "lost",
                   "replication slot(s) lost the WAL their consumer needs", 0},
            "the consumer of a lost slot must be rebuilt; drop the slot with pg_drop_replication_slot()");
  }
  judge_into(out, "replication_slots", s.max_retained_bytes, ctx.config.warning, ctx.config.critical, format_bytes,
             fmt::format("WAL retained by slot '{}'", s.worst_slot),
             "an inactive or slow slot keeps WAL on disk; fix its consumer or drop the slot");
}

void evaluate_wal(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.wal_dir_bytes) return;
  judge_into(out, "wal", *obs.wal_dir_bytes, ctx.config.warning, ctx.config.critical, format_bytes, "the size of pg_wal",
             "look at replication slots, archiving failures and max_wal_size");
}

void evaluate_archiver(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.archiver || !obs.archiver->enabled || !obs.archiver->failing_seconds) return;
  judge_into(out, "archiver", *obs.archiver->failing_seconds, ctx.config.warning, ctx.config.critical,
             format_seconds, "WAL archiving has been failing for",
             "check archive_command and its destination; pg_wal grows until archiving succeeds");
}

}  // namespace pgvigil::health
