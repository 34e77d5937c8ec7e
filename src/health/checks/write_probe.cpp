#include "health/checks/write_probe.h"

#include <fmt/format.h>

namespace pgvigil::health {

std::string write_probe_upsert_sql(std::string_view table) {
  return fmt::format(
      "INSERT INTO {} (member, written_at) VALUES ($1, pg_catalog.clock_timestamp()) "
      "ON CONFLICT (member) DO UPDATE SET written_at = EXCLUDED.written_at",
      table);
}

std::string write_probe_create_sql(std::string_view table) {
  return fmt::format("CREATE TABLE IF NOT EXISTS {} (member text PRIMARY KEY, written_at timestamptz NOT NULL)",
                     table);
}

std::string heartbeat_age_sql(std::string_view table) {
  return fmt::format(
      "SELECT EXTRACT(epoch FROM pg_catalog.clock_timestamp() - max(written_at))::float8 AS age FROM {}", table);
}

bool is_missing_table(std::string_view sqlstate) { return sqlstate == "42P01"; }

namespace {

std::string failure_advice(const WriteProbeObservation& probe, std::string_view table) {
  if (probe.missing_table) {
    return fmt::format(
        "create the heartbeat table as its owner: {}; GRANT SELECT, INSERT, UPDATE ON {} TO the monitoring role",
        write_probe_create_sql(table), table);
  }
  if (probe.sqlstate == "25006") return "the primary refuses writes: check default_transaction_read_only and disk space";
  if (probe.sqlstate == "42501") return fmt::format("GRANT SELECT, INSERT, UPDATE ON {} TO the monitoring role", table);
  if (probe.timed_out) {
    return "commits hang: check synchronous_standby_names against the standbys connected, and free disk space";
  }
  if (probe.sqlstate.starts_with("53")) return "the server is out of a resource (disk, memory): free disk space first";
  return "read the server log around this time for why the commit failed";
}

}  // namespace

void evaluate_write_probe(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.write_probe) return;  // a replica, or not run this cycle
  const auto& probe = *obs.write_probe;
  if (!probe.ok) {
    out.add(Reason{"write_probe", Severity::critical, "failing", "succeeds",
                   "the heartbeat write failed: " + probe.error, 0},
            failure_advice(probe, ctx.config.table));
    return;
  }
  judge_into(out, "write_probe", probe.seconds, ctx.config.warning, ctx.config.critical, format_seconds,
             "the heartbeat write's commit", "slow commits: look at synchronous replication, fsync and disk latency");
}

}  // namespace pgvigil::health
