#!/usr/bin/env bash
# Measures pgvigil against a throwaway PostgreSQL primary + streaming replica on loopback:
#   1. HTTP: /health, a replica probe and /metrics under wrk (requests/s, p50, p99);
#   2. database cost per check cycle, from pg_stat_statements of pgvigil's own role (planning
#      too: track_planning is turned on on the throwaway servers), and whether the HTTP load
#      adds any statement;
#   3. memory of the daemon (RssAnon, VmRSS) after the load, beside postgres_exporter's;
#   4. CPU time of the daemon per check cycle over an idle window.
# Prints Markdown on stdout (progress on stderr) with a verdict for each target.
# Everything it starts is stopped, and its temporary directory removed, on exit or Ctrl-C.
#
# Environment (defaults in brackets):
#   PGVIGIL_BENCH_IDLE_SECONDS    idle window for the per-cycle figures [60]
#   PGVIGIL_BENCH_WRK_DURATION    duration of each wrk run [10s]
#   PGVIGIL_BENCH_WRK_RUNS        wrk runs per endpoint; each figure is their median [3]
#   PGVIGIL_BENCH_WRK_THREADS     wrk threads [2]
#   PGVIGIL_BENCH_WRK_CONNECTIONS wrk connections [16]
#   PGVIGIL_BENCH_EXPORTER        0 = skip the postgres_exporter comparison [1]
#   PGVIGIL_BUILD_DIR, PGVIGIL_BENCH_SKIP_BUILD: see bench/lib/common.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/common.sh
source bench/lib/wrk.sh

idle_seconds=${PGVIGIL_BENCH_IDLE_SECONDS:-60}
wrk_duration=${PGVIGIL_BENCH_WRK_DURATION:-10s}
wrk_runs=${PGVIGIL_BENCH_WRK_RUNS:-3}
wrk_threads=${PGVIGIL_BENCH_WRK_THREADS:-2}
wrk_connections=${PGVIGIL_BENCH_WRK_CONNECTIONS:-16}
with_exporter=${PGVIGIL_BENCH_EXPORTER:-1}
interval=5s
exporter_scrapes=20

# Targets.
target_rps=20000          # /health and the replica probe: requests/s, at least
target_probe_p99_ms=2     # /health and the replica probe: p99, below
target_metrics_p50_ms=0.5 # /metrics: p50, below
target_statements=2       # per member per cycle, at most
target_exec_ms=0.5        # DB execution per member per cycle, at most
target_rss_anon_mib=4     # RssAnon after the load, at most
exporter_reference_mib=17 # postgres_exporter's usual VmRSS, when it cannot be measured here

bench_init health-api
load_before=$(cut -d" " -f1-3 /proc/loadavg)
bench_log "starting PostgreSQL primary + replica"
bench_start_cluster
bench_track_planning "$BENCH_PRIMARY_PORT" "$BENCH_REPLICA_PORT"
bench_log "starting pgvigil (health.interval $interval)"
bench_start_pgvigil "$interval"
pid=$bench_pgvigil_pid
version=$("$bench_build_dir/pgvigil" --version 2>/dev/null | head -n 1 || true)
replica_probe="/clusters/$BENCH_CLUSTER/members/replica/replica?max_lag_s=5"
servers=(primary replica)
ports=("$BENCH_PRIMARY_PORT" "$BENCH_REPLICA_PORT")

member_cycles() { bench_metric pgvigil_cycles_total "cluster=\"$BENCH_CLUSTER\""; }
member_cycles_of() { bench_metric pgvigil_cycles_total "member=\"$1\""; }
pgss_sample() { bench_pgss_sample "$BENCH_ROLE" "${servers[*]}" "${ports[@]}"; }
# per A B [FORMAT]: A / B (0 when B is 0).
per() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, (b > 0 ? a / b : 0) }'; }
max_of() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

# Steady state first: sessions open, caches warm, the replica's role known.
bench_log "warming up (3 cycles per member)"
deadline=$((SECONDS + 60))
until (($(member_cycles_of primary) >= 3 && $(member_cycles_of replica) >= 3)); do
  ((SECONDS < deadline)) || bench_die "pgvigil did not complete 3 cycles per member within 60 s"
  sleep 0.5
done

# ---------------------------------------------------------------------------------------------
# Idle window: database cost and CPU per cycle.

bench_log "idle window of ${idle_seconds}s (no HTTP load)"
clk_tck=$(getconf CLK_TCK)
pgss_sample >"$bench_dir/pgss.0"
cycles0_p=$(member_cycles_of primary)
cycles0_r=$(member_cycles_of replica)
ticks0=$(bench_cpu_ticks "$pid")
bench_thread_cpu "$pid" >"$bench_dir/threads.0"
sleep "$idle_seconds"
ticks1=$(bench_cpu_ticks "$pid")
bench_thread_cpu "$pid" >"$bench_dir/threads.1"
cycles1_p=$(member_cycles_of primary)
cycles1_r=$(member_cycles_of replica)
pgss_sample >"$bench_dir/pgss.1"
rss_idle_kb=$(bench_status_kb "$pid" VmRSS)
anon_idle_kb=$(bench_status_kb "$pid" RssAnon)

idle_cycles_p=$((cycles1_p - cycles0_p))
idle_cycles_r=$((cycles1_r - cycles0_r))
idle_cycles=$((idle_cycles_p + idle_cycles_r))
((idle_cycles > 0)) || bench_die "no cycle completed during the idle window"
bench_pgss_diff "$bench_dir/pgss.0" "$bench_dir/pgss.1" >"$bench_dir/idle.diff"

# Statements count for the member whose cycle ran them: a replica's cycle first reads the
# primary's WAL position on the primary (to judge its lag), so those count for the replica.
result=$(awk -F'\t' '
  { member = $1; if ($1 == "primary" && $5 ~ /pg_current_wal_lsn\(\)/) member = "replica"
    calls[member] += $3; ms[member] += $4; plan[member] += $6 }
  END {
    printf "%d %.3f %.3f %d %.3f %.3f\n", calls["primary"], ms["primary"], plan["primary"],
      calls["replica"], ms["replica"], plan["replica"]
  }' "$bench_dir/idle.diff")
read -r idle_stmt_p idle_ms_p idle_plan_p idle_stmt_r idle_ms_r idle_plan_r <<<"$result"
idle_stmt=$((idle_stmt_p + idle_stmt_r))
idle_ms=$(awk -v a="$idle_ms_p" -v b="$idle_ms_r" 'BEGIN { printf "%.3f", a + b }')
idle_plan=$(awk -v a="$idle_plan_p" -v b="$idle_plan_r" 'BEGIN { printf "%.3f", a + b }')
stmt_per_cycle=$(per "$idle_stmt" "$idle_cycles")
ms_per_cycle=$(per "$idle_ms" "$idle_cycles" %.3f)
stmt_per_cycle_p=$(per "$idle_stmt_p" "$idle_cycles_p")
stmt_per_cycle_r=$(per "$idle_stmt_r" "$idle_cycles_r")
ms_per_cycle_p=$(per "$idle_ms_p" "$idle_cycles_p" %.3f)
ms_per_cycle_r=$(per "$idle_ms_r" "$idle_cycles_r" %.3f)
plan_per_cycle=$(per "$idle_plan" "$idle_cycles" %.3f)
plan_per_cycle_p=$(per "$idle_plan_p" "$idle_cycles_p" %.3f)
plan_per_cycle_r=$(per "$idle_plan_r" "$idle_cycles_r" %.3f)

# CPU: the whole process from utime+stime (ticks), and per thread group from schedstat (ns).
cpu_ms_ticks=$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" 'BEGIN { printf "%.1f", t * 1000 / hz }')
cpu_per_cycle_ticks=$(per "$cpu_ms_ticks" "$idle_cycles")
cpu_share=$(awk -v ms="$cpu_ms_ticks" -v s="$idle_seconds" 'BEGIN { printf "%.3f", ms / (s * 10) }')
thread_groups=$(awk -F'\t' -v pid="$pid" -v cycles="$idle_cycles" '
  NR == FNR { before[$1] = $3; next }
  {
    group = "other threads (HTTP workers, ...)"
    if ($1 == pid) group = "main thread (control loop)"
    else if ($2 ~ /^mon-/) group = "member workers (mon-*)"
    else if ($2 ~ /^pool-/) group = "pool maintenance (pool-*)"
    ms[group] += ($3 - before[$1]) / 1e6; n[group]++
  }
  END {
    for (g in ms) printf "| %s | %d | %.2f ms | %.3f ms |\n", g, n[g], ms[g], ms[g] / cycles
  }' "$bench_dir/threads.0" "$bench_dir/threads.1" | sort)

# ---------------------------------------------------------------------------------------------
# HTTP under wrk.

for path in /health "$replica_probe" /metrics; do
  status=$(bench_http_status "$path")
  [[ $status == 200 ]] || bench_log "warning: GET $path answers $status before the load, not 200"
done

pgss_sample >"$bench_dir/pgss.2"
wrk_cycles0=$(member_cycles)
result=$(run_wrk_median health /health)
read -r health_rps health_p50 health_p99 health_p99_lo health_p99_hi health_n health_bad health_err <<<"$result"
result=$(run_wrk_median probe "$replica_probe")
read -r probe_rps probe_p50 probe_p99 probe_p99_lo probe_p99_hi probe_n probe_bad probe_err <<<"$result"
render0=$(bench_metric pgvigil_scrape_duration_seconds_sum)
scrapes0=$(bench_metric pgvigil_scrape_duration_seconds_count)
result=$(run_wrk_median metrics /metrics)
read -r metrics_rps metrics_p50 metrics_p99 metrics_p99_lo metrics_p99_hi metrics_n metrics_bad metrics_err <<<"$result"
# The time the daemon spends rendering one exposition, as it measures it itself.
render_us=$(curl -s --max-time 5 "http://127.0.0.1:$bench_http_port/metrics" | awk -v s0="$render0" -v n0="$scrapes0" '
  $1 == "pgvigil_scrape_duration_seconds_sum" { s = $2 } $1 == "pgvigil_scrape_duration_seconds_count" { n = $2 }
  END { printf "%.0f", (n > n0 ? (s - s0) / (n - n0) * 1e6 : 0) }')
# The same without queueing: one connection.
result=$(run_wrk metrics1 /metrics 1 1)
read -r metrics1_rps metrics1_p50 metrics1_p99 metrics1_n metrics1_bad metrics1_err <<<"$result"
wrk_cycles1=$(member_cycles)
pgss_sample >"$bench_dir/pgss.3"
bench_pgss_diff "$bench_dir/pgss.2" "$bench_dir/pgss.3" >"$bench_dir/wrk.diff"
wrk_requests=$((health_n + probe_n + metrics_n))
wrk_cycles=$((wrk_cycles1 - wrk_cycles0))
wrk_stmt=$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$bench_dir/wrk.diff")
# A statement of a check cycle runs at most once per member cycle. Requests that reached the
# database would show as statements never seen before the load, or as statements run more
# often than the cycles could.
new_statements=$(awk -F'\t' 'NR == FNR { seen[$1 FS $2] = 1; next } !seen[$1 FS $2]' \
  "$bench_dir/pgss.2" "$bench_dir/wrk.diff" | wc -l)
beyond_cycles=$(awk -F'\t' -v c="$wrk_cycles" '$3 > c { s += $3 - c } END { print s + 0 }' "$bench_dir/wrk.diff")

rss_kb=$(bench_status_kb "$pid" VmRSS)
anon_kb=$(bench_status_kb "$pid" RssAnon)
file_kb=$(bench_status_kb "$pid" RssFile)
hwm_kb=$(bench_status_kb "$pid" VmHWM)
pss_kb=$(bench_pss_kb "$pid")
threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status")

# ---------------------------------------------------------------------------------------------
# postgres_exporter beside it, on the same primary.

exporter_note=""
exporter_rss_kb=""
exporter_anon_kb=""
exporter_pss_kb=""
exporter_threads=""
exporter_stmt_per_scrape=""
exporter_ms_per_scrape=""
exporter_plan_per_scrape=""
exporter_version=""

# The exporter's binary: the installed one, else one unpacked from the Debian package into the
# scratch directory (nothing is installed and no service is started).
find_exporter() {
  if command -v prometheus-postgres-exporter >/dev/null 2>&1; then
    command -v prometheus-postgres-exporter
    return 0
  fi
  local unpack="$bench_dir/exporter"
  mkdir -p "$unpack" && chmod 777 "$unpack" # apt's unprivileged download user writes here
  (cd "$unpack" && apt-get download -q prometheus-postgres-exporter >"$unpack/download.log" 2>&1) || return 1
  dpkg-deb -x "$unpack"/prometheus-postgres-exporter_*.deb "$unpack/root" >/dev/null 2>&1 || return 1
  [[ -x $unpack/root/usr/bin/prometheus-postgres-exporter ]] || return 1
  echo "$unpack/root/usr/bin/prometheus-postgres-exporter"
}

run_exporter() {
  local binary port exporter_pid i result
  binary=$(find_exporter) || {
    exporter_note="not installed, and apt-get download prometheus-postgres-exporter failed"
    return 0
  }
  exporter_version=$("$binary" --version 2>&1 | awk 'NR == 1 { print $3 }')
  bench_psql "$BENCH_PRIMARY_PORT" "CREATE ROLE bench_exporter LOGIN; GRANT pg_monitor TO bench_exporter;" >/dev/null
  port=$(bench_free_port)
  DATA_SOURCE_NAME="host=127.0.0.1 port=$BENCH_PRIMARY_PORT dbname=postgres user=bench_exporter sslmode=disable" \
    "$binary" --web.listen-address="127.0.0.1:$port" --log.level=warn >"$bench_dir/exporter.log" 2>&1 &
  exporter_pid=$!
  bench_extra_pids+=("$exporter_pid")
  local deadline=$((SECONDS + 20))
  until curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$exporter_pid" 2>/dev/null; then
      exporter_note="it did not serve /metrics: $(tail -n 3 "$bench_dir/exporter.log" | tr '\n' ' ')"
      return 0
    fi
    sleep 0.2
  done
  bench_log "postgres_exporter $exporter_version: $exporter_scrapes scrapes"
  bench_pgss_sample bench_exporter primary "$BENCH_PRIMARY_PORT" >"$bench_dir/pgss.e0"
  for ((i = 0; i < exporter_scrapes; i++)); do
    curl -sf -o /dev/null --max-time 10 "http://127.0.0.1:$port/metrics" || true
  done
  bench_pgss_sample bench_exporter primary "$BENCH_PRIMARY_PORT" >"$bench_dir/pgss.e1"
  result=$(bench_pgss_diff "$bench_dir/pgss.e0" "$bench_dir/pgss.e1" |
    awk -F'\t' -v n="$exporter_scrapes" '{ c += $3; t += $4; p += $6 } END { printf "%.1f %.2f %.2f\n", c / n, t / n, p / n }')
  read -r exporter_stmt_per_scrape exporter_ms_per_scrape exporter_plan_per_scrape <<<"$result"
  exporter_rss_kb=$(bench_status_kb "$exporter_pid" VmRSS)
  exporter_anon_kb=$(bench_status_kb "$exporter_pid" RssAnon)
  exporter_pss_kb=$(bench_pss_kb "$exporter_pid")
  exporter_threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$exporter_pid/status")
}
if [[ $with_exporter == 1 ]]; then
  run_exporter
else
  exporter_note="skipped (PGVIGIL_BENCH_EXPORTER=0)"
fi

# ---------------------------------------------------------------------------------------------
# Report.

v_health_rps=$(bench_verdict bench_ge "$health_rps" $target_rps)
v_health_p99=$(bench_verdict bench_lt "$health_p99" $target_probe_p99_ms)
v_probe_rps=$(bench_verdict bench_ge "$probe_rps" $target_rps)
v_probe_p99=$(bench_verdict bench_lt "$probe_p99" $target_probe_p99_ms)
v_metrics_p50=$(bench_verdict bench_lt "$metrics_p50" $target_metrics_p50_ms)
v_stmt=$(bench_verdict bench_le "$(max_of "$stmt_per_cycle_p" "$stmt_per_cycle_r")" $target_statements)
v_ms=$(bench_verdict bench_le "$(max_of "$ms_per_cycle_p" "$ms_per_cycle_r")" $target_exec_ms)
v_http_db=MISSED
((new_statements == 0 && beyond_cycles == 0)) && v_http_db=met
v_anon=$(bench_verdict bench_le "$(bench_mb "$anon_kb")" $target_rss_anon_mib)
rss_reference_kb=${exporter_rss_kb:-$((exporter_reference_mib * 1024))}
v_rss=$(bench_verdict bench_lt "$rss_kb" "$rss_reference_kb")

cat <<REPORT
## Health API and daemon cost

${version:-pgvigil (version unknown)}; one cluster (primary + streaming replica), health.interval $interval,
every other key at its default; wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }'), all on loopback.
Load average (1, 5, 15 min) at the start: $load_before; at the end: $(cut -d" " -f1-3 /proc/loadavg).

### HTTP (wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration --latency, median of $wrk_runs runs)

| endpoint | requests/s | p50 | p99 | p99 range | requests | non-2xx | socket errors |
|---|---:|---:|---:|---:|---:|---:|---:|
| \`/health\` | $health_rps | ${health_p50} ms | ${health_p99} ms | ${health_p99_lo}–${health_p99_hi} ms | $health_n | $health_bad | $health_err |
| \`$replica_probe\` | $probe_rps | ${probe_p50} ms | ${probe_p99} ms | ${probe_p99_lo}–${probe_p99_hi} ms | $probe_n | $probe_bad | $probe_err |
| \`/metrics\` | $metrics_rps | ${metrics_p50} ms | ${metrics_p99} ms | ${metrics_p99_lo}–${metrics_p99_hi} ms | $metrics_n | $metrics_bad | $metrics_err |
| \`/metrics\`, wrk -t1 -c1, one run | $metrics1_rps | ${metrics1_p50} ms | ${metrics1_p99} ms | | $metrics1_n | $metrics1_bad | $metrics1_err |

Non-2xx answers are the daemon's 503 for a cluster or member it judged unhealthy meanwhile (see
the daemon log below). Rendering one \`/metrics\` exposition ($(curl -s --max-time 5 "http://127.0.0.1:$bench_http_port/metrics" | wc -c) bytes) took the daemon ${render_us} µs on average
during the $wrk_connections-connection runs (its own \`pgvigil_scrape_duration_seconds\`).

### Database cost per cycle (pg_stat_statements of role $BENCH_ROLE, idle window of ${idle_seconds}s)

| member | cycles | statements | statements / cycle | exec time | exec time / cycle | plan time / cycle |
|---|---:|---:|---:|---:|---:|---:|
| primary | $idle_cycles_p | $idle_stmt_p | $stmt_per_cycle_p | ${idle_ms_p} ms | ${ms_per_cycle_p} ms | ${plan_per_cycle_p} ms |
| replica | $idle_cycles_r | $idle_stmt_r | $stmt_per_cycle_r | ${idle_ms_r} ms | ${ms_per_cycle_r} ms | ${plan_per_cycle_r} ms |
| all | $idle_cycles | $idle_stmt | $stmt_per_cycle | ${idle_ms} ms | ${ms_per_cycle} ms | ${plan_per_cycle} ms |

Exec time is pg_stat_statements' total_exec_time; planning is counted apart (total_plan_time,
with pg_stat_statements.track_planning turned on for this run). A replica's cycle reads the
primary's WAL position on the primary; those statements count for the replica. Statements run
in the window:

| server | calls | exec time | exec / call | plan / call | statement |
|---|---:|---:|---:|---:|---|
$(awk -F'\t' '{ printf "| %s | %d | %.3f ms | %.3f ms | %.3f ms | `%s…` |\n", $1, $3, $4, ($3 ? $4 / $3 : 0), ($3 ? $6 / $3 : 0), $5 }' "$bench_dir/idle.diff")

During the wrk runs ($wrk_requests requests): $wrk_stmt statements in $wrk_cycles member cycles
($(per "$wrk_stmt" "$wrk_cycles") per member cycle; idle: $stmt_per_cycle); statements not seen before the load: $new_statements;
calls beyond one per member cycle: $beyond_cycles.

### Memory

| process | VmRSS | RssAnon | RssFile | Pss | VmHWM | threads |
|---|---:|---:|---:|---:|---:|---:|
| pgvigil, after the idle window | $(bench_mb "$rss_idle_kb") MiB | $(bench_mb "$anon_idle_kb") MiB | | | | |
| pgvigil, after the wrk runs | $(bench_mb "$rss_kb") MiB | $(bench_mb "$anon_kb") MiB | $(bench_mb "$file_kb") MiB | $(bench_mb "$pss_kb") MiB | $(bench_mb "$hwm_kb") MiB | $threads |
REPORT
if [[ -n $exporter_rss_kb ]]; then
  cat <<REPORT
| postgres_exporter $exporter_version, after $exporter_scrapes scrapes | $(bench_mb "$exporter_rss_kb") MiB | $(bench_mb "$exporter_anon_kb") MiB | | $(bench_mb "$exporter_pss_kb") MiB | | $exporter_threads |

postgres_exporter on the same primary (a role with pg_monitor, default collectors) runs
$exporter_stmt_per_scrape statements, $exporter_ms_per_scrape ms of execution and $exporter_plan_per_scrape ms of planning per scrape.
REPORT
else
  printf '\npostgres_exporter could not be measured: %s. Compared with its usual ~%d MiB VmRSS instead.\n' \
    "$exporter_note" "$exporter_reference_mib"
fi
cat <<REPORT

### CPU over the idle window (${idle_seconds}s, $idle_cycles member cycles)

Whole process, utime+stime (ticks of 1/$clk_tck s): $cpu_ms_ticks ms = $cpu_per_cycle_ticks ms per member cycle
(${cpu_share}% of one core).

| threads (schedstat) | count | CPU | per member cycle |
|---|---:|---:|---:|
$thread_groups

### Daemon log

Warnings, errors and member status changes the daemon logged during the run (at most 30 lines):

\`\`\`
$(awk '$2 ~ /^(warning|error|critical)$/ || /member=/' "$bench_dir/pgvigil.log" | cut -c1-200 | head -n 30)
\`\`\`

### Targets

| target | measured | verdict |
|---|---|---|
| \`/health\` ≥ $target_rps req/s | $health_rps req/s | $v_health_rps |
| \`/health\` p99 < $target_probe_p99_ms ms | $health_p99 ms | $v_health_p99 |
| replica probe ≥ $target_rps req/s | $probe_rps req/s | $v_probe_rps |
| replica probe p99 < $target_probe_p99_ms ms | $probe_p99 ms | $v_probe_p99 |
| \`/metrics\` p50 < $target_metrics_p50_ms ms | $metrics_p50 ms | $v_metrics_p50 |
| ≤ $target_statements statements per member per cycle | primary $stmt_per_cycle_p, replica $stmt_per_cycle_r | $v_stmt |
| ≤ $target_exec_ms ms DB execution per member per cycle | primary $ms_per_cycle_p ms, replica $ms_per_cycle_r ms | $v_ms |
| HTTP load runs no statement | $new_statements new, $beyond_cycles beyond the cycles | $v_http_db |
| RssAnon ≤ $target_rss_anon_mib MiB after the load | $(bench_mb "$anon_kb") MiB | $v_anon |
| VmRSS below postgres_exporter's | $(bench_mb "$rss_kb") MiB vs $(bench_mb "$rss_reference_kb") MiB | $v_rss |
REPORT
