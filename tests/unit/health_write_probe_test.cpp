// The write_probe check's judgement: off by default, slow commits against the thresholds, and a
// failed heartbeat write as a critical reason whose advice fits the failure.
#include <gtest/gtest.h>

#include "config/check_defaults.h"
#include "health/checks/check.h"
#include "health/checks/write_probe.h"

namespace pgvigil::health {
namespace {

config::HealthConfig with_write_probe() {
  config::HealthConfig h;
  h.checks = config::default_check_configs();
  h.checks["write_probe"].enabled = true;
  return h;
}

WriteProbeObservation failed(std::string sqlstate, bool timed_out = false) {
  WriteProbeObservation p;
  p.ok = false;
  p.sqlstate = std::move(sqlstate);
  p.timed_out = timed_out;
  p.missing_table = is_missing_table(p.sqlstate);
  p.error = "query: something (" + p.sqlstate + ")";
  return p;
}

const Reason* write_probe_reason(const Evaluation& e) {
  for (const auto& r : e.reasons) {
    if (r.check == "write_probe") return &r;
  }
  return nullptr;
}

TEST(WriteProbe, DisabledByDefaultSoAFailureSaysNothing) {
  config::HealthConfig h;
  h.checks = config::default_check_configs();
  Observations o;
  o.write_probe = failed("25006");
  EXPECT_EQ(write_probe_reason(evaluate_checks(o, h)), nullptr);
}

TEST(WriteProbe, AFastCommitIsHealthyAndASlowOneDegrades) {
  Observations o;
  o.write_probe = WriteProbeObservation{};
  o.write_probe->ok = true;
  o.write_probe->seconds = 0.004;
  EXPECT_EQ(evaluate_checks(o, with_write_probe()).status, Status::healthy);
  o.write_probe->seconds = 1.5;
  const auto e = evaluate_checks(o, with_write_probe());
  ASSERT_NE(write_probe_reason(e), nullptr);
  EXPECT_EQ(write_probe_reason(e)->severity, Severity::warning);
  EXPECT_EQ(e.status, Status::degraded);
}

TEST(WriteProbe, AFailedWriteIsCriticalWithAdviceForItsCause) {
  struct Case {
    std::string sqlstate;
    bool timed_out;
    std::string advice_mentions;
  };
  const Case cases[] = {
      {"42P01", false, "CREATE TABLE IF NOT EXISTS pgvigil_heartbeat"},
      {"42501", false, "GRANT SELECT, INSERT, UPDATE ON pgvigil_heartbeat"},
      {"25006", false, "default_transaction_read_only"},
      {"", true, "synchronous_standby_names"},
      {"53100", false, "disk"},
  };
  for (const auto& c : cases) {
    Observations o;
    o.write_probe = failed(c.sqlstate, c.timed_out);
    const auto e = evaluate_checks(o, with_write_probe());
    const Reason* r = write_probe_reason(e);
    ASSERT_NE(r, nullptr) << c.sqlstate;
    EXPECT_EQ(r->severity, Severity::critical) << c.sqlstate;
    EXPECT_NE(r->message.find(o.write_probe->error), std::string::npos) << c.sqlstate;
    EXPECT_EQ(e.status, Status::unhealthy) << c.sqlstate;
    ASSERT_EQ(e.recommendations.size(), 1U) << c.sqlstate;
    EXPECT_NE(e.recommendations[0].find(c.advice_mentions), std::string::npos) << e.recommendations[0];
  }
}

TEST(WriteProbe, AReplicaHasNoWriteToJudge) {
  Observations o;
  o.role.in_recovery = true;
  o.heartbeat_age_seconds = 120;  // end-to-end lag is reported, and judged by replication_lag
  EXPECT_EQ(write_probe_reason(evaluate_checks(o, with_write_probe())), nullptr);
}

TEST(WriteProbe, StatementsUseTheConfiguredTable) {
  EXPECT_NE(write_probe_upsert_sql("ops.beat").find("INSERT INTO ops.beat"), std::string::npos);
  EXPECT_NE(write_probe_upsert_sql("ops.beat").find("ON CONFLICT (member)"), std::string::npos);
  EXPECT_NE(heartbeat_age_sql("ops.beat").find("FROM ops.beat"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::health
