#!/usr/bin/env bash
# Measures /metrics and /health under wrk at fleet size, without PostgreSQL:
# build/pgvigil-fleet-server serves the daemon's HTTP API over a made-up fleet
# (bench/synthetic_fleet.h) whose snapshot changes at every member cycle, one cluster at a time,
# as a fleet's does. Two fleets: 250 clusters of 2 members (the issue's 500 members) and one
# cluster of 2, both with every member checked every 5 s. Prints Markdown on stdout (progress on
# stderr) with a verdict for each target; everything it starts is stopped on exit or Ctrl-C.
#
# Environment (defaults in brackets):
#   PGVIGIL_BENCH_WRK_DURATION    duration of each wrk run [10s]
#   PGVIGIL_BENCH_WRK_RUNS        wrk runs per endpoint; each figure is their median [3]
#   PGVIGIL_BENCH_WRK_THREADS     wrk threads [2]
#   PGVIGIL_BENCH_WRK_CONNECTIONS wrk connections [16]
#   PGVIGIL_BUILD_DIR, PGVIGIL_BENCH_SKIP_BUILD: see bench/lib/common.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/common.sh
source bench/lib/wrk.sh

wrk_duration=${PGVIGIL_BENCH_WRK_DURATION:-10s}
wrk_runs=${PGVIGIL_BENCH_WRK_RUNS:-3}
wrk_threads=${PGVIGIL_BENCH_WRK_THREADS:-2}
wrk_connections=${PGVIGIL_BENCH_WRK_CONNECTIONS:-16}
interval_ms=5000

# Targets (issue "Runtime for fleets: 500 members per daemon").
target_fleet_metrics_p50_ms=15
target_fleet_health_p50_ms=5
target_small_metrics_p50_ms=0.5

bench_init fleet-http
server="$bench_build_dir/pgvigil-fleet-server"
[[ -x $server ]] || bench_die "$server is missing: build the pgvigil-fleet-server target"
load_before=$(cut -d" " -f1-3 /proc/loadavg)

# serve CLUSTERS: starts the server for a fleet of CLUSTERS clusters of 2; sets bench_http_port.
server_pid=""
serve() {
  local clusters=$1 members=$(($1 * 2))
  "$server" "$clusters" $((interval_ms / members)) 3600 >"$bench_dir/server.$clusters" 2>&1 &
  server_pid=$!
  bench_extra_pids+=("$server_pid")
  local i
  for ((i = 0; i < 100; i++)); do
    bench_http_port=$(head -n 1 "$bench_dir/server.$clusters" 2>/dev/null || true)
    [[ $bench_http_port =~ ^[0-9]+$ ]] && return 0
    sleep 0.1
  done
  bench_die "pgvigil-fleet-server did not start: $(cat "$bench_dir/server.$clusters")"
}

body_bytes() { curl -s --max-time 10 "http://127.0.0.1:$bench_http_port$1" | wc -c; }

declare -A p50 p99 rps bytes
for clusters in 250 1; do
  bench_log "serving $clusters cluster(s) of 2 members"
  serve "$clusters"
  for endpoint in metrics health; do
    k=$clusters.$endpoint
    bytes[$k]=$(body_bytes "/$endpoint")
    read -r run_rps run_p50 run_p99 _ <<<"$(run_wrk_median "$endpoint.$clusters" "/$endpoint")"
    rps[$k]=$run_rps p50[$k]=$run_p50 p99[$k]=$run_p99
  done
  bench_stop_pid "$server_pid"
done
load_after=$(cut -d" " -f1-3 /proc/loadavg)

verdict() { awk -v m="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "<" ? m < t : m <= t); print (ok ? "met" : "missed") }'; }

cat <<REPORT
### /metrics and /health at fleet size (bench/fleet_http.sh)

build/pgvigil-fleet-server: the daemon's HTTP API (16 workers) over a made-up fleet, a member
cycle every $interval_ms ms / members, each replacing one cluster's snapshot; no database.
wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration --latency, median of $wrk_runs runs, on loopback.
Load average (1, 5, 15 min) at the start: $load_before; at the end: $load_after.

| members | endpoint | body | requests/s | p50 | p99 |
|---:|---|---:|---:|---:|---:|
REPORT
for clusters in 250 1; do
  for endpoint in metrics health; do
    k=$clusters.$endpoint
    # shellcheck disable=SC2016  # the backquotes are Markdown's
    printf '| %d | `/%s` | %s bytes | %s | %s ms | %s ms |\n' $((clusters * 2)) "$endpoint" "${bytes[$k]}" \
      "${rps[$k]}" "${p50[$k]}" "${p99[$k]}"
  done
done
cat <<REPORT

| target | measured | verdict |
|---|---|---|
| \`/metrics\` p50 ≤ $target_fleet_metrics_p50_ms ms at 500 members | ${p50[250.metrics]} ms | $(verdict "${p50[250.metrics]}" $target_fleet_metrics_p50_ms "<=") |
| \`/health\` p50 ≤ $target_fleet_health_p50_ms ms at 500 members | ${p50[250.health]} ms | $(verdict "${p50[250.health]}" $target_fleet_health_p50_ms "<=") |
| \`/metrics\` p50 < $target_small_metrics_p50_ms ms at 2 members | ${p50[1.metrics]} ms | $(verdict "${p50[1.metrics]}" $target_small_metrics_p50_ms "<") |
REPORT
