#!/usr/bin/env bash
# Measures the runaway-session canceller's activity poll against a throwaway PostgreSQL primary +
# streaming replica on loopback: statements and database time per member per poll, from
# pg_stat_statements of pgvigil's own role, and the daemon's CPU per poll. The health cycle runs
# once an hour and the pg_stat_statements sampler is off, so what the role runs in the window is
# the poll alone. A few client sessions sit idle in a transaction and one runs pg_sleep, so the
# poll has rows to read and judge (limits far away: nothing is acted on).
# Prints Markdown on stdout (progress on stderr) with a verdict for the target.
#
# Environment (defaults in brackets):
#   PGVIGIL_BENCH_POLL_SECONDS   measuring window [30]
#   PGVIGIL_BENCH_POLL_INTERVAL  queries.activity_interval [100ms]
#   PGVIGIL_BUILD_DIR, PGVIGIL_BENCH_SKIP_BUILD: see bench/lib/common.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/common.sh

window=${PGVIGIL_BENCH_POLL_SECONDS:-30}
poll_interval=${PGVIGIL_BENCH_POLL_INTERVAL:-100ms}
target_statements=1  # per member per poll, at most

bench_init activity-poll
bench_log "starting PostgreSQL primary + replica"
bench_start_cluster
queries="{ statements: false, activity_interval: $poll_interval,
           cancel: { mode: dry_run, max_query_duration: 1h, max_idle_in_transaction: 1h } }"
bench_log "starting pgvigil (activity_interval $poll_interval, health.interval 1h)"
bench_start_pgvigil 1h "$queries"
pid=$bench_pgvigil_pid
servers=(primary replica)
ports=("$BENCH_PRIMARY_PORT" "$BENCH_REPLICA_PORT")

# Sessions for the poll to look at, on the primary.
psql_session() {
  psql -X -q -h 127.0.0.1 -p "$BENCH_PRIMARY_PORT" -U postgres -d postgres -c "$1" >/dev/null 2>&1 &
  bench_extra_pids+=("$!")
}
for _ in 1 2 3; do psql_session "BEGIN; SELECT 1; SELECT pg_sleep(3600);"; done
psql_session "SELECT pg_sleep(3600)"
sleep 2  # the first polls open the sessions and prepare the statement

poll_ms=$(awk -v d="$poll_interval" 'BEGIN {
  n = d + 0; u = d; sub(/^[0-9.]+/, "", u)
  if (u == "ms") print n; else if (u == "s") print n * 1000; else print n * 60000 }')
clk_tck=$(getconf CLK_TCK)

bench_log "measuring for ${window}s"
bench_pgss_sample "$BENCH_ROLE" "${servers[*]}" "${ports[@]}" >"$bench_dir/pgss.0"
ticks0=$(bench_cpu_ticks "$pid")
start_ns=$(date +%s%N)
sleep "$window"
bench_pgss_sample "$BENCH_ROLE" "${servers[*]}" "${ports[@]}" >"$bench_dir/pgss.1"
elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
ticks1=$(bench_cpu_ticks "$pid")
bench_pgss_diff "$bench_dir/pgss.0" "$bench_dir/pgss.1" >"$bench_dir/poll.diff"

# Polls due in the window, per member: the poll runs every activity_interval.
polls=$(awk -v e="$elapsed_ms" -v p="$poll_ms" 'BEGIN { printf "%d", e / p }')
read -r stmt_p ms_p stmt_r ms_r kinds < <(awk -F'\t' '
  { calls[$1] += $3; ms[$1] += $4; seen[$2] = 1 }
  END { n = 0; for (k in seen) n++
        printf "%d %.3f %d %.3f %d\n", calls["primary"], ms["primary"], calls["replica"], ms["replica"], n }' \
  "$bench_dir/poll.diff")
per() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, (b > 0 ? a / b : 0) }'; }
stmt_per_poll_p=$(per "$stmt_p" "$polls")
stmt_per_poll_r=$(per "$stmt_r" "$polls")
cpu_ms=$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" 'BEGIN { printf "%.1f", t * 1000 / hz }')
verdict=$(awk -v p="$stmt_per_poll_p" -v r="$stmt_per_poll_r" -v t=$target_statements \
  'BEGIN { print ((p <= t && r <= t) ? "met" : "MISSED") }')

cat <<REPORT
## Activity poll (bench/activity_poll.sh)

activity_interval $poll_interval, window of $((elapsed_ms / 1000)) s: $polls polls due per member; four
client sessions on the primary (three idle in a transaction, one in pg_sleep), none past a limit.

| member | statements | per poll | DB exec time | per poll |
|---|---|---|---|---|
| primary | $stmt_p | $stmt_per_poll_p | ${ms_p} ms | $(per "$ms_p" "$polls" %.3f) ms |
| replica | $stmt_r | $stmt_per_poll_r | ${ms_r} ms | $(per "$ms_r" "$polls" %.3f) ms |

Distinct statements run by the role in the window: $kinds. Daemon CPU: ${cpu_ms} ms in the window,
$(per "$cpu_ms" $((polls * 2)) %.3f) ms per member poll.

| target | measured | verdict |
|---|---|---|
| ≤ $target_statements statement per member per poll | primary $stmt_per_poll_p, replica $stmt_per_poll_r | $verdict |
REPORT
