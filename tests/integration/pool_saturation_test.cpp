// A pool busy with the daemon's own work is the daemon's problem, not the server's. The pool has
// one session (max: 1, acquire_timeout: 100ms) and the statement sampler, run every 200ms, keeps
// it busy: a test session holds pg_stat_statements_info (which the sampler reads) and
// pg_stat_statements locked in ACCESS EXCLUSIVE mode, so each sample waits out the session's
// lock_timeout (1s) on the lock before it fails. The health cycle, every 500ms, then often finds
// the session taken. Over 15 s the member must never read as unreachable or unhealthy, its
// status must stay what it was, and its primary probe must answer 200 every time; instead the
// daemon says it is saturated: a `monitor` reason of severity info (value pool_exhausted),
// pgvigil_pool_acquire_timeouts_total above 0, pgvigil_cycle_delay_seconds, and the
// PgvigilSaturated alert.
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "fleet_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

constexpr auto kObserve = 15s;
constexpr auto kPollEvery = 50ms;
const std::string kProbe = "/clusters/c/members/db1/primary";

// The daemon's sessions waiting for a lock on one of the locked views, as the superuser sees it.
int sampler_lock_waits(const PgCluster& pg) {
  const auto rows = pg.exec(PgCluster::kPrimary,
                            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                            "WHERE NOT l.granted AND l.relation IN ('public.pg_stat_statements_info'::regclass, "
                            "'public.pg_stat_statements'::regclass) "
                            "AND a.application_name = 'pgvigil' AND a.usename = 'pgvigil'",
                            "postgres", 5s);
  return std::stoi(rows.at(0).at(0).value_or("0"));
}

bool saturated_alert_in(const Json& alerts) {
  if (!alerts.is_object() || !alerts.contains("alerts")) return false;
  for (const auto& alert : alerts["alerts"]) {
    const Json& labels = alert["labels"];
    if (labels.is_object() && labels.value("alertname", "") == "PgvigilSaturated" &&
        labels.value("severity", "") == "warning") {
      return true;
    }
  }
  return false;
}

TEST(PoolSaturation, ABusyPoolNeverMakesAMemberUnreachable) {
  PgCluster::Options options;
  options.with_replica = false;
  auto pg = PgCluster::start(options);
  TempDir dir;
  FleetCluster cluster;
  cluster.name = "c";
  cluster.password_file = pg.password_file();
  cluster.members = {{"db1", pg.port(PgCluster::kPrimary), "postgres", ""}};
  cluster.interval = "500ms";
  cluster.pool = "{ min: 1, max: 1, acquire_timeout: 100ms }";
  // Round trips on a loaded test machine are not what this test is about.
  cluster.checks["connectivity"] = "{ warning: 2s }";
  cluster.queries = "{ statements_interval: 200ms, cancel: { mode: off } }";
  FleetDaemon daemon(dir, {cluster});
  ASSERT_TRUE(poll_until([&] { return daemon.get("/readyz").status == 200; }, 15s)) << daemon.log();
  Json before = poll_member_in(daemon, "c", "db1", [](const Json& m) { return status_of(m) == "healthy"; });
  ASSERT_EQ(status_of(before), "healthy") << before.dump(2);
  // The sampler works before the lock: its first sample only primes, the second records.
  ASSERT_TRUE(poll_until(
      [&] {
        const Json doc = daemon.get("/queries?cluster=c&member=db1").json();
        return doc.is_object() && doc.contains("intervals") && !doc["intervals"].empty();
      },
      15s, 100ms))
      << daemon.log();

  PgSession holder(pg.port(PgCluster::kPrimary), "postgres", "saturation-test");
  holder.exec("BEGIN");
  holder.exec("LOCK TABLE public.pg_stat_statements_info, public.pg_stat_statements IN ACCESS EXCLUSIVE MODE");
  // The blocking is real: the daemon's session waits on the lock.
  ASSERT_TRUE(poll_until([&] { return sampler_lock_waits(pg) > 0; }, 10s, 20ms))
      << "the sampler never waited on the locked views";

  const std::string metrics_before = daemon.get("/metrics").body;
  const double timeouts_before =
      member_sample(metrics_before, "pgvigil_pool_acquire_timeouts_total", "c", "db1").value_or(0);
  const double cycles_before = member_sample(metrics_before, "pgvigil_cycles_total", "c", "db1").value_or(0);

  const auto started = std::chrono::steady_clock::now();
  int answers = 0;
  int lock_samples = 0;
  int waiting_samples = 0;
  std::vector<std::string> bad_answers;
  std::vector<std::string> bad_verdicts;
  std::set<std::string> statuses;
  std::set<std::string> checked_at;
  std::set<std::string> monitor_reasons;  // "severity/value"
  bool alert_seen = false;
  for (auto next = started; seconds_since(started) < std::chrono::duration<double>(kObserve).count();) {
    char at[32];
    std::snprintf(at, sizeof at, "t=%.2fs ", seconds_since(started));
    const HttpReply probe = daemon.get(kProbe);
    ++answers;
    if (probe.status != 200) {
      bad_answers.push_back(at + std::to_string(probe.status) + " " + probe.body.substr(0, 400));
    }
    const Json member = probe.json();
    if (member.is_object() && member.contains("status")) {
      statuses.insert(status_of(member));
      checked_at.insert(member.value("checked_at", ""));
      if (!member.value("reachable", false) || status_of(member) != status_of(before) ||
          reason_of(member, "unreachable") != nullptr) {
        bad_verdicts.push_back(at + status_of(member) + (member.value("reachable", false) ? "" : " unreachable") +
                               ", reasons " + joined(reason_keys(member)));
      }
      if (const Json* monitor = reason_of(member, "monitor")) {
        monitor_reasons.insert(monitor->value("severity", "") + "/" + monitor->value("value", ""));
      }
    }
    if (answers % 2 == 0 && !alert_seen) alert_seen = saturated_alert_in(daemon.get("/alerts").json());
    if (answers % 10 == 0) {
      ++lock_samples;
      if (sampler_lock_waits(pg) > 0) ++waiting_samples;
    }
    next += kPollEvery;
    std::this_thread::sleep_until(next);
  }
  const std::string metrics = daemon.get("/metrics").body;
  const auto timeouts = member_sample(metrics, "pgvigil_pool_acquire_timeouts_total", "c", "db1");
  const auto delay = member_sample(metrics, "pgvigil_cycle_delay_seconds", "c", "db1");
  const double cycles = member_sample(metrics, "pgvigil_cycles_total", "c", "db1").value_or(0);
  alert_seen = alert_seen || saturated_alert_in(daemon.get("/alerts").json());
  holder.exec("ROLLBACK");

  std::printf("%d probe answers over %.1f s, %zu not 200; statuses seen: %s; %zu cycles published\n", answers,
              seconds_since(started), bad_answers.size(), joined(statuses).c_str(), checked_at.size());
  std::printf("the daemon's session waited on the lock in %d of %d samples\n", waiting_samples, lock_samples);
  std::printf("acquire timeouts %.0f -> %.0f, cycles %.0f -> %.0f, cycle delay %s s, monitor reasons seen: %s,"
              " PgvigilSaturated seen: %s\n",
              timeouts_before, timeouts.value_or(-1), cycles_before, cycles,
              delay ? std::to_string(*delay).c_str() : "(absent)", joined(monitor_reasons).c_str(),
              alert_seen ? "yes" : "no");

  std::string answers_text;
  for (std::size_t i = 0; i < bad_answers.size() && i < 10; ++i) answers_text += "\n  " + bad_answers[i];
  EXPECT_TRUE(bad_answers.empty()) << bad_answers.size() << " of " << answers
                                   << " primary probe answers were not 200:" << answers_text;
  std::string verdicts_text;
  for (std::size_t i = 0; i < bad_verdicts.size() && i < 10; ++i) verdicts_text += "\n  " + bad_verdicts[i];
  EXPECT_TRUE(bad_verdicts.empty()) << bad_verdicts.size() << " readings left " << status_of(before)
                                    << " or read as unreachable:" << verdicts_text;
  // The session really was taken most of the time, and the daemon said so.
  EXPECT_GT(waiting_samples, 0);
  EXPECT_GT(timeouts.value_or(0), timeouts_before) << "no acquire timed out: the pool was never exhausted";
  EXPECT_TRUE(monitor_reasons.contains("info/pool_exhausted"))
      << "no monitor reason {severity: info, value: pool_exhausted}; seen: " << joined(monitor_reasons);
  EXPECT_TRUE(delay.has_value()) << "no pgvigil_cycle_delay_seconds for the member";
  EXPECT_TRUE(alert_seen) << "PgvigilSaturated (warning) never showed at /alerts";
  // The member was still being checked, not frozen on an old snapshot.
  EXPECT_GE(checked_at.size(), 3u) << "the member's snapshot hardly changed while the pool was busy";
}

}  // namespace
}  // namespace pgvigil::acceptance
