#include "cluster/write_probe_runner.h"

#include <array>
#include <chrono>

#include "health/checks/write_probe.h"

namespace pgvigil::cluster {
namespace {

health::WriteProbeObservation upsert(db::Connection& session, const std::string& table, const std::string& member,
                                     db::Millis timeout) {
  const std::array<db::Param, 1> params{member};
  const auto sent = std::chrono::steady_clock::now();
  auto written = session.query(health::write_probe_upsert_sql(table), params, timeout);
  if (!written && health::is_missing_table(written.error().sqlstate) && session.is_open()) {
    // First use: create it if this role may (it usually may not since PostgreSQL 15's default
    // privileges on public; the check then says what to run).
    if (session.query(health::write_probe_create_sql(table), timeout)) {
      written = session.query(health::write_probe_upsert_sql(table), params, timeout);
    }
  }
  health::WriteProbeObservation probe;
  probe.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  if (written) {
    probe.ok = true;
    return probe;
  }
  probe.error = written.error().to_string();
  probe.sqlstate = written.error().sqlstate;
  probe.timed_out = written.error().kind == db::ErrorKind::timeout;
  probe.missing_table = health::is_missing_table(probe.sqlstate);
  return probe;
}

}  // namespace

void run_write_probe(db::Connection& session, const std::string& table, const std::string& member, bool in_recovery,
                     db::Millis timeout, health::Observations& obs) {
  if (!in_recovery) {
    obs.write_probe = upsert(session, table, member, timeout);
    return;
  }
  // Before the primary's first heartbeat has replayed, there is no age to report.
  if (auto read = session.query(health::heartbeat_age_sql(table), timeout)) {
    obs.heartbeat_age_seconds = read->get_double(0, "age");
  }
}

}  // namespace pgvigil::cluster
