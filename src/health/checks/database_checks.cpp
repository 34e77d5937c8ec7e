#include "health/checks/database_checks.h"

#include <fmt/format.h>

#include "health/checks/json_read.h"

namespace pgvigil::health {

// One pass over pg_locks, which copies the whole lock table under every lock-manager partition
// lock. pg_blocking_pids() takes those locks too: it runs for one pid, and only when someone
// waits (it is strict, and the longest waiter is NULL when nobody does).
const std::string_view kBlockingSql =
    "(SELECT json_build_object('waiting', waiting, 's', greatest(0, extract(epoch FROM now() - since)), "
    "'pid', longest, 'blockers', pg_catalog.pg_blocking_pids(longest)) "
    "FROM (SELECT count(DISTINCT pid) AS waiting, min(waitstart) AS since, "
    "(array_agg(pid ORDER BY waitstart) FILTER (WHERE waitstart IS NOT NULL AND pid IS NOT NULL))[1] AS longest "
    "FROM pg_catalog.pg_locks WHERE NOT granted) AS waits)";

const std::string_view kWraparoundSql =
    "(SELECT json_build_object('db', datname, 'xid', age(datfrozenxid), 'mxid', mxid_age(datminmxid), "
    "'freeze', current_setting('autovacuum_freeze_max_age')::float8) FROM pg_catalog.pg_database "
    "WHERE datallowconn ORDER BY greatest(age(datfrozenxid), mxid_age(datminmxid)) DESC LIMIT 1)";

// Walks the database's directory (a stat() per file): costly on a large database, and only a
// reading, so it runs with the costly checks.
const std::string_view kDatabaseSizeSql = "pg_catalog.pg_database_size(current_database())";

const std::string_view kCacheHitSql =
    "(SELECT json_build_object('hit', sum(blks_hit), 'read', sum(blks_read)) FROM pg_catalog.pg_stat_database)";

namespace {
constexpr double kXidSpace = 2147483648.0;  // 2^31: wraparound happens at this age
// Fewer block accesses than this in an interval (80 MB of 8 kB pages) say more about what one
// statement touched (a new table's first reads, catalog lookups) than about the cache.
constexpr double kMinBlocksToJudge = 10000;
}  // namespace

void parse_blocking(const nlohmann::json& j, Observations& out) {
  BlockingObservation b;
  b.waiting = static_cast<int>(number_at(j, "waiting").value_or(0));
  b.longest_wait_seconds = number_at(j, "s").value_or(0);
  b.longest_waiter_pid = static_cast<int>(number_at(j, "pid").value_or(0));
  if (auto it = j.find("blockers"); it != j.end() && it->is_array()) {
    for (const auto& pid : *it) b.blockers.push_back(pid.get<int>());
  }
  out.blocking = std::move(b);
}

void parse_wraparound(const nlohmann::json& j, Observations& out) {
  if (!j.is_object()) return;
  out.wraparound = WraparoundObservation{number_at(j, "xid").value_or(0), number_at(j, "mxid").value_or(0),
                                         string_at(j, "db"), number_at(j, "freeze").value_or(200'000'000)};
}

void parse_cache_hit(const nlohmann::json& j, Observations& out) {
  auto hit = number_at(j, "hit");
  auto read = number_at(j, "read");
  if (hit && read) out.cache_blocks = std::pair{*hit, *read};
}

void parse_database_size(const nlohmann::json& j, Observations& out) {
  if (j.is_number()) out.database_size_bytes = j.get<std::int64_t>();
}

std::optional<double> cache_hit_between(std::pair<double, double> before, std::pair<double, double> after) {
  const double hit = after.first - before.first;
  const double read = after.second - before.second;
  if (hit < 0 || read < 0 || hit + read < kMinBlocksToJudge) return std::nullopt;  // reset, or too little
  return hit / (hit + read);
}

void evaluate_blocking(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.blocking || obs.blocking->waiting == 0) return;
  const auto& b = *obs.blocking;
  judge_into(out, "blocking", b.longest_wait_seconds, ctx.config.warning, ctx.config.critical, format_seconds,
             fmt::format("the longest lock wait ({} session(s) waiting; pid {} blocked by pid(s) {})", b.waiting,
                         b.longest_waiter_pid, fmt::join(b.blockers, ", ")),
             "look at the blocking sessions in pg_stat_activity; pid 0 is a prepared transaction");
}

void evaluate_wraparound(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.wraparound) return;
  const auto& w = *obs.wraparound;
  const double ratio = std::max(w.xid_age, w.mxid_age) / kXidSpace;
  const double behind = std::max(w.xid_age, w.mxid_age) / w.freeze_max_age;
  judge_into(out, "wraparound", ratio, ctx.config.warning, ctx.config.critical, format_ratio,
             fmt::format("transaction ID age of database '{}' ({:.2f}x autovacuum_freeze_max_age)", w.database, behind),
             "autovacuum is behind: look for long transactions, stale replication slots or prepared "
             "transactions holding back the horizon, then VACUUM (FREEZE) the oldest tables");
}

void evaluate_cache_hit(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.cache_hit_ratio) return;
  judge_into(out, "cache_hit", *obs.cache_hit_ratio, ctx.config.warning, ctx.config.critical, format_ratio,
             "the shared buffer hit ratio over the interval",
             "the working set does not fit shared_buffers; look at the queries reading the most blocks",
             config::Direction::lower_is_worse);
}

}  // namespace pgvigil::health
