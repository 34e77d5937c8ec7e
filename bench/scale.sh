#!/usr/bin/env bash
# Measures one daemon watching a fleet: N clusters of two members (a primary and its streaming
# replica) spread over 4 throwaway primary + replica pairs on loopback, for N in 1, 25, 100 and
# 250 (2, 50, 200 and 500 members). Every server runs a modest pgbench workload of many different
# statements (so pg_stat_statements has variety to sample). For each size, two daemon runs:
#   1. every key at its default but health.interval 5s: after a warm-up, over a window, the
#      daemon's CPU (% of one core, /proc/PID/stat) and the servers' CPU apart (all eight
#      servers, and the share of it spent in the daemon's own sessions); threads, VmRSS and
#      RssAnon; the daemon's sessions per member; /metrics and /health p50 and body size (wrk -t1
#      -c1); a probe's achieved rate and p99 under wrk with few connections; cycle overruns
#      (pgvigil_cycle_overruns_total) and delays (the largest pgvigil_cycle_delay_seconds);
#      members not healthy;
#   2. the same with a short statement history (queries.history, queries.statements_interval):
#      RssAnon once the first intervals are in, and again once the history is full.
# Before the first size, the servers' CPU under the workload alone is measured as a baseline.
# Prints Markdown on stdout (progress on stderr). Everything it starts is stopped, and its
# temporary directory removed, on exit or Ctrl-C.
#
# Options (each also read from the environment variable in brackets; defaults after =):
#   --sizes "1 25 100 250"        clusters per run [PGVIGIL_SCALE_SIZES]
#   --warmup 60                   seconds after start before the window [PGVIGIL_SCALE_WARMUP]
#   --window 60                   CPU window in seconds [PGVIGIL_SCALE_WINDOW]
#   --wrk-duration 10s            each wrk run [PGVIGIL_SCALE_WRK_DURATION]
#   --probe-connections 4         wrk -t2 -cN on the probe: few connections, for a rate near
#                                 20000/s rather than the most it can take [PGVIGIL_SCALE_PROBE_CONNECTIONS]
#   --history 2m                  queries.history of run 2; 0 skips run 2 [PGVIGIL_SCALE_HISTORY]
#   --statements-interval 5s      queries.statements_interval of run 2 [PGVIGIL_SCALE_STATEMENTS_INTERVAL]
#   --rate 20                     pgbench transactions per second on each server [PGVIGIL_SCALE_RATE]
#   --max-connections 300         max_connections of every server [PGVIGIL_SCALE_MAX_CONNECTIONS]
#   --quick                       sizes "1 25", warm-up 20, window 20, wrk 3s, history 1m
#   PGVIGIL_BUILD_DIR, PGVIGIL_BENCH_SKIP_BUILD: see bench/lib/common.sh
#
#   bench/scale.sh --quick                                    # a few minutes
#   PGVIGIL_BENCH_SKIP_BUILD=1 bench/scale.sh > scale.md     # the full run, about 25 minutes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/common.sh
source bench/lib/wrk.sh

sizes=${PGVIGIL_SCALE_SIZES:-1 25 100 250}
warmup=${PGVIGIL_SCALE_WARMUP:-60}
window=${PGVIGIL_SCALE_WINDOW:-60}
wrk_duration=${PGVIGIL_SCALE_WRK_DURATION:-10s}
probe_connections=${PGVIGIL_SCALE_PROBE_CONNECTIONS:-4}
history=${PGVIGIL_SCALE_HISTORY:-2m}
statements_interval=${PGVIGIL_SCALE_STATEMENTS_INTERVAL:-5s}
rate=${PGVIGIL_SCALE_RATE:-20}
max_connections=${PGVIGIL_SCALE_MAX_CONNECTIONS:-300}
pairs=4
interval=5s
tables=8               # bench_t1.. on every primary, each with its own statements
target_probe_rps=20000 # what the probe figure is compared with

usage() { sed -n '/^# Options/,/^#   PGVIGIL_BENCH_SKIP_BUILD=1/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --wrk-duration) wrk_duration=$2; shift 2 ;;
    --probe-connections) probe_connections=$2; shift 2 ;;
    --history) history=$2; shift 2 ;;
    --statements-interval) statements_interval=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --max-connections) max_connections=$2; shift 2 ;;
    --quick) sizes="1 25" warmup=20 window=20 wrk_duration=3s history=1m; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 64 ;;
  esac
done

# seconds DURATION: a config duration (500ms, 5s, 2m, 1h) in whole seconds, rounded up.
seconds() {
  awk -v d="$1" 'BEGIN {
    n = d + 0; u = d; sub(/^[0-9.]+/, "", u)
    f = (u == "ms") ? 0.001 : (u == "m" || u == "min") ? 60 : (u == "h") ? 3600 : 1
    s = n * f; printf "%d\n", (s == int(s)) ? s : int(s) + 1 }'
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
wait_seconds() { if awk -v s="$1" 'BEGIN { exit !(s > 0) }'; then sleep "$1"; fi; }
pct() { awk -v t="$1" -v hz="$2" -v s="$3" 'BEGIN { printf "%.1f", (s > 0 ? t / hz / s * 100 : 0) }'; }

bench_init scale
clk_tck=$(getconf CLK_TCK)

# ---------------------------------------------------------------------------------------------
# The servers: 4 pairs, started side by side.

pair_dirs=()
for ((p = 1; p <= pairs; p++)); do
  dir="$bench_dir/$(basename "$bench_dir")-p$p" # unique per run: it prefixes the servers' cluster_name
  mkdir -m 755 "$dir"
  pair_dirs+=("$dir")
  bench_extra_cluster_dirs+=("$dir")
done
bench_log "starting $pairs PostgreSQL primary + replica pairs (max_connections $max_connections)"
harness_pids=()
for ((p = 0; p < pairs; p++)); do
  "$bench_build_dir/pgvigil-harness" start --dir "${pair_dirs[p]}" --max-connections "$max_connections" \
    >"$bench_dir/harness.$p.log" 2>&1 &
  harness_pids+=("$!")
done
for ((p = 0; p < pairs; p++)); do
  wait "${harness_pids[p]}" || {
    cat "$bench_dir/harness.$p.log" >&2
    bench_die "the harness could not start pair $((p + 1))"
  }
done
primary_ports=() replica_ports=() password_files=() postmasters=() server_ports=()
for ((p = 0; p < pairs; p++)); do
  # shellcheck source=/dev/null
  source "${pair_dirs[p]}/cluster.env"
  primary_ports+=("$PGVIGIL_DEMO_PRIMARY_PORT")
  replica_ports+=("$PGVIGIL_DEMO_REPLICA_PORT")
  password_files+=("$PGVIGIL_DEMO_PASSWORD_FILE")
  server_ports+=("$PGVIGIL_DEMO_PRIMARY_PORT" "$PGVIGIL_DEMO_REPLICA_PORT")
  # cluster.state: member, name, data dir, socket dir, log, port, postmaster PID.
  while IFS=$'\t' read -r kind _ _ _ _ _ pid; do
    [[ $kind == member ]] && postmasters+=("$pid")
  done <"${pair_dirs[p]}/cluster.state"
done
state_dir="$bench_dir/state"
mkdir -p "$state_dir"

# ---------------------------------------------------------------------------------------------
# The workload: pgbench on every server, read-write scripts on the primaries and read-only ones
# on the replicas, at $rate transactions per second each.

bench_log "preparing the pgbench workload ($tables tables of statements, $rate tx/s per server)"
scripts="$bench_dir/pgbench"
mkdir -p "$scripts"
ro_args=() rw_args=()
for ((t = 1; t <= tables; t++)); do
  cat >"$scripts/ro_$t.sql" <<SQL
\\set id random(1, 1000)
\\set v random(1, 1000)
SELECT v FROM bench_t$t WHERE id = :id;
SELECT count(*) FROM bench_t$t WHERE v < :v;
SELECT id, t FROM bench_t$t WHERE id BETWEEN :id AND :id + 10 ORDER BY id;
SELECT max(v), min(v) FROM bench_t$t WHERE id > :id;
SELECT a.id, b.v FROM bench_t$t a JOIN bench_t$(((t % tables) + 1)) b USING (id) WHERE a.id = :id;
SQL
  cat >"$scripts/rw_$t.sql" <<SQL
\\set id random(1, 1000)
\\set v random(1, 1000)
BEGIN;
UPDATE bench_t$t SET v = :v, t = md5(:v::text) WHERE id = :id;
SELECT v, t FROM bench_t$t WHERE id = :id;
INSERT INTO bench_log (tbl, id, v) VALUES ($t, :id, :v);
END;
SQL
  ro_args+=(-f "$scripts/ro_$t.sql@1")
  rw_args+=(-f "$scripts/rw_$t.sql@1" -f "$scripts/ro_$t.sql@1")
done
tables_sql="CREATE TABLE bench_log (at timestamptz NOT NULL DEFAULT now(), tbl int, id int, v int);"
for ((t = 1; t <= tables; t++)); do
  tables_sql+="CREATE TABLE bench_t$t (id int PRIMARY KEY, v int, t text);"
  tables_sql+="INSERT INTO bench_t$t SELECT i, i % 97, md5(i::text) FROM generate_series(1, 1000) i;"
done
for ((p = 0; p < pairs; p++)); do
  "$BENCH_PG_BIN/pgbench" -i -s 1 -q -h 127.0.0.1 -p "${primary_ports[p]}" -U postgres postgres \
    >"$bench_dir/pgbench-init.$p.log" 2>&1 || {
    cat "$bench_dir/pgbench-init.$p.log" >&2
    bench_die "pgbench -i failed on pair $((p + 1))"
  }
  bench_psql "${primary_ports[p]}" "$tables_sql" >/dev/null
done
# The replicas must have the tables before their readers start.
for ((p = 0; p < pairs; p++)); do
  deadline=$((SECONDS + 60))
  until bench_psql "${replica_ports[p]}" "SELECT count(*) FROM bench_t$tables" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || bench_die "replica of pair $((p + 1)) did not replay the workload's tables"
    sleep 0.2
  done
done
start_pgbench() { # PORT LABEL ARGS...
  local port=$1 label=$2
  shift 2
  "$BENCH_PG_BIN/pgbench" -n -h 127.0.0.1 -p "$port" -U postgres -c 2 -j 1 -R "$rate" -T 86400 "$@" postgres \
    >"$bench_dir/pgbench.$label.log" 2>&1 &
  bench_extra_pids+=("$!")
}
for ((p = 0; p < pairs; p++)); do
  start_pgbench "${primary_ports[p]}" "p$p" -b tpcb-like@2 "${rw_args[@]}"
  start_pgbench "${replica_ports[p]}" "r$p" -b select-only@2 "${ro_args[@]}"
done

# ---------------------------------------------------------------------------------------------
# Readers

# CPU ticks (utime + stime) of the servers: each postmaster with its reaped children, plus its
# live children. A backend that ends between two readings is counted in full by the second one
# (in the postmaster's cutime), so the difference of two readings is the servers' CPU between them.
servers_ticks() {
  python3 - "${postmasters[@]}" <<'PY'
import os, sys
postmasters = {int(p) for p in sys.argv[1:]}
total = 0
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        with open(f"/proc/{entry}/stat") as f:
            stat = f.read()
    except OSError:
        continue
    fields = stat[stat.rfind(")") + 2:].split()  # fields[0] is field 3 (state) of proc(5)
    pid, ppid = int(entry), int(fields[1])
    if pid in postmasters:
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    elif ppid in postmasters:
        total += int(fields[11]) + int(fields[12])
print(total)
PY
}

# The daemon's sessions on every server: "pid" lines.
daemon_backends() {
  local port
  for port in "${server_ports[@]}"; do
    bench_psql "$port" "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgvigil'"
  done
}

# backend_ticks FILE: "pid ticks" of the daemon's sessions listed (by PID) in FILE.
backend_ticks() {
  local pid stat
  while read -r pid; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    awk -v pid="$pid" '{ print pid, $12 + $13 }' <<<"$stat"
  done <"$1"
}

# scrape FILE: /metrics into FILE.
scrape() { curl -s --max-time 30 -o "$1" "http://127.0.0.1:$bench_http_port/metrics"; }
# family_stat FILE NAME sum|min|max|count: over the samples of one family in a scrape.
family_stat() {
  awk -v name="$2" -v op="$3" '
    index($1, name "{") == 1 || $1 == name {
      v = $NF + 0; n++; s += v
      if (n == 1 || v < lo) lo = v
      if (n == 1 || v > hi) hi = v
    }
    END {
      if (!n) { print "n/a"; exit }
      if (op == "sum") printf "%.9g\n", s; else if (op == "min") printf "%.9g\n", lo
      else if (op == "max") printf "%.9g\n", hi; else print n
    }' "$1"
}

# Members not healthy in /health: "0", or "3 (connectivity 2, monitor 1)".
not_healthy() {
  curl -s --max-time 30 "http://127.0.0.1:$bench_http_port/health" | python3 -c '
import collections, json, sys
doc = json.load(sys.stdin)
bad, why = 0, collections.Counter()
for cluster in doc.get("clusters", []):
    for member in cluster.get("members", []):
        if member.get("status") != "healthy" or not member.get("reachable"):
            bad += 1
            for reason in member.get("reasons", []):
                why[reason.get("check", "?")] += 1
detail = ", ".join(f"{check} {count}" for check, count in why.most_common(4))
print(f"{bad} ({detail})" if bad else "0")'
}

# Intervals the statement history holds for one member (GET /queries).
history_intervals() {
  curl -s --max-time 30 "http://127.0.0.1:$bench_http_port/queries?cluster=c001&member=primary" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin).get("intervals", [])))' 2>/dev/null || echo 0
}

body_bytes() { curl -s --max-time 30 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$bench_http_port$1"; }

# ---------------------------------------------------------------------------------------------
# The daemon

# write_config FILE PORT CLUSTERS [QUERIES]: CLUSTERS clusters c001.., members primary and replica
# of pair (i mod 4); health.interval 5s, queries QUERIES (a flow mapping) if given.
write_config() {
  local file=$1 port=$2 clusters=$3 queries=${4:-} i p
  {
    printf 'daemon:\n  state_dir: %s\n  log: { level: info }\nhttp:\n  listen: 127.0.0.1:%s\nclusters:\n' \
      "$state_dir" "$port"
    for ((i = 1; i <= clusters; i++)); do
      p=$(((i - 1) % pairs))
      printf '  - name: c%03d\n    members:\n' "$i"
      printf '      - name: primary\n        conninfo: "host=127.0.0.1 port=%s dbname=postgres user=%s"\n        password_file: %s\n' \
        "${primary_ports[p]}" "$BENCH_ROLE" "${password_files[p]}"
      printf '      - name: replica\n        conninfo: "host=127.0.0.1 port=%s dbname=postgres user=%s"\n        password_file: %s\n' \
        "${replica_ports[p]}" "$BENCH_ROLE" "${password_files[p]}"
      printf '    health:\n      interval: %s\n' "$interval"
      [[ -z $queries ]] || printf '    queries: %s\n' "$queries"
    done
    printf 'alerts:\n  sinks: []\n'
  } >"$file"
}

# start_daemon CLUSTERS LABEL [QUERIES]: starts pgvigil and returns once /readyz answers 200.
start_daemon() {
  local clusters=$1 label=$2 queries=${3:-} attempt
  for attempt in 1 2 3; do
    bench_http_port=$(bench_free_port)
    write_config "$bench_dir/pgvigil.$label.yaml" "$bench_http_port" "$clusters" "$queries"
    "$bench_build_dir/pgvigil" --config "$bench_dir/pgvigil.$label.yaml" >"$bench_dir/pgvigil.$label.log" 2>&1 &
    bench_pgvigil_pid=$!
    daemon_started=$(now)
    bench_wait_status /readyz 200 180 && return 0
    if kill -0 "$bench_pgvigil_pid" 2>/dev/null; then
      tail -n 20 "$bench_dir/pgvigil.$label.log" >&2
      bench_die "pgvigil ($label) is running but /readyz did not answer 200 within 180 s"
    fi
    wait "$bench_pgvigil_pid" 2>/dev/null || true
    bench_pgvigil_pid=""
    grep -Eq "cannot (listen|serve HTTP)" "$bench_dir/pgvigil.$label.log" || break
    bench_log "port $bench_http_port was taken meanwhile (attempt $attempt); trying another"
  done
  tail -n 20 "$bench_dir/pgvigil.$label.log" >&2
  bench_die "pgvigil ($label) did not start"
}

# wait_cycles N LIMIT: until every member finished N cycles (the fewest any member has).
wait_cycles() {
  local want=$1 deadline=$((SECONDS + $2)) least
  while :; do
    scrape "$bench_dir/cycles.prom" || true
    least=$(family_stat "$bench_dir/cycles.prom" pgvigil_cycles_total min)
    [[ $least != n/a ]] && awk -v a="$least" -v b="$want" 'BEGIN { exit !(a >= b) }' && return 0
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

declare -A result

# ---------------------------------------------------------------------------------------------
# Baseline: the servers under the workload alone.

bench_log "baseline: the servers' CPU over ${window}s with no daemon"
sleep 5 # pgbench's connections open
t0=$(now)
s0=$(servers_ticks)
sleep "$window"
s1=$(servers_ticks)
baseline_servers=$(pct $((s1 - s0)) "$clk_tck" "$(elapsed "$t0")")

pgss_variety=$(bench_psql "${primary_ports[0]}" "SELECT count(*) FROM pg_stat_statements")

# ---------------------------------------------------------------------------------------------
# Each size

for n in $sizes; do
  members=$((2 * n))
  label="n$n"
  bench_log "$n clusters ($members members): run 1, defaults with health.interval $interval"
  start_daemon "$n" "$label"
  pid=$bench_pgvigil_pid
  result[ready,$n]=$(elapsed "$daemon_started")
  wait_cycles 2 $((warmup + 120)) || bench_log "warning: not every member finished 2 cycles"
  wait_seconds "$(awk -v w="$warmup" -v e="$(elapsed "$daemon_started")" 'BEGIN { print w - e }')"

  bench_log "$n clusters: ${window}s window"
  daemon_backends >"$bench_dir/backends.0"
  scrape "$bench_dir/m0.prom"
  t0=$(now)
  d0=$(bench_cpu_ticks "$pid")
  s0=$(servers_ticks)
  backend_ticks "$bench_dir/backends.0" >"$bench_dir/bticks.0"
  sleep "$window"
  d1=$(bench_cpu_ticks "$pid")
  s1=$(servers_ticks)
  backend_ticks "$bench_dir/backends.0" >"$bench_dir/bticks.1"
  seconds_measured=$(elapsed "$t0")
  scrape "$bench_dir/m1.prom"
  result[cpu,$n]=$(pct $((d1 - d0)) "$clk_tck" "$seconds_measured")
  result[servers,$n]=$(pct $((s1 - s0)) "$clk_tck" "$seconds_measured")
  own=$(awk 'NR == FNR { t[$1] = $2; next } ($1 in t) { s += $2 - t[$1] } END { print s + 0 }' \
    "$bench_dir/bticks.0" "$bench_dir/bticks.1")
  result[own,$n]=$(pct "$own" "$clk_tck" "$seconds_measured")
  result[threads,$n]=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status")
  result[rss,$n]=$(bench_mb "$(bench_status_kb "$pid" VmRSS)")
  result[anon,$n]=$(bench_mb "$(bench_status_kb "$pid" RssAnon)")
  sessions=$(daemon_backends | wc -l)
  result[sessions,$n]=$(awk -v s="$sessions" -v m="$members" 'BEGIN { printf "%.2f", s / m }')
  o0=$(family_stat "$bench_dir/m0.prom" pgvigil_cycle_overruns_total sum)
  o1=$(family_stat "$bench_dir/m1.prom" pgvigil_cycle_overruns_total sum)
  result[overruns,$n]="$(awk -v a="$o0" -v b="$o1" 'BEGIN { printf "%d", b - a }') ($o1 since start)"
  result[cycles,$n]=$(awk -v a="$(family_stat "$bench_dir/m0.prom" pgvigil_cycles_total sum)" \
    -v b="$(family_stat "$bench_dir/m1.prom" pgvigil_cycles_total sum)" 'BEGIN { printf "%d", b - a }')
  delay=$(family_stat "$bench_dir/m1.prom" pgvigil_cycle_delay_seconds max)
  if [[ $delay == n/a ]]; then
    result[delay,$n]="n/a (no such metric)"
  else
    result[delay,$n]=$(awk -v d="$delay" 'BEGIN { printf "%.3f s", d }')
  fi
  result[unhealthy,$n]=$(not_healthy)

  bench_log "$n clusters: HTTP"
  probe="/clusters/c001/members/replica/replica"
  for path in /metrics /health "$probe"; do
    status=$(bench_http_status "$path")
    [[ $status == 200 ]] || bench_log "warning: GET $path answers $status"
  done
  read -r _ p50 _ _ _ _ <<<"$(run_wrk "metrics.$n" /metrics 1 1)"
  result[metrics,$n]="$p50 ms ($(awk -v b="$(body_bytes /metrics)" 'BEGIN { printf "%.0f KiB", b / 1024 }'))"
  read -r _ p50 _ _ _ _ <<<"$(run_wrk "health.$n" /health 1 1)"
  result[health,$n]="$p50 ms ($(awk -v b="$(body_bytes /health)" 'BEGIN { printf "%.0f KiB", b / 1024 }'))"
  read -r rps _ p99 _ bad errors <<<"$(run_wrk "probe.$n" "$probe" 2 "$probe_connections")"
  result[probe,$n]="$p99 ms at $rps/s"
  ((bad == 0 && errors == 0)) || result[probe,$n]+=" ($bad non-2xx, $errors socket errors)"
  bench_log "pgvigil-probe-rate --rate $target_probe_rps --connections $probe_connections $probe"
  read -r sent answered _ _ p99 _ _ bad errors lag p50s p99s <<<"$("$bench_build_dir/pgvigil-probe-rate" \
    --port "$bench_http_port" --path "$probe" --rate "$target_probe_rps" --connections "$probe_connections" \
    --seconds "$(seconds "$wrk_duration")" || true)"
  result[probe_rate,$n]="$p99s ms (p50 $p50s; from due time $p99 ms, the client's own lateness $lag ms; $answered of $sent/s)"
  ((bad == 0 && errors == 0)) || result[probe_rate,$n]+=" ($bad non-200, $errors errors)"
  result[anon_http,$n]=$(bench_mb "$(bench_status_kb "$pid" RssAnon)")
  bench_stop_pgvigil

  if [[ $history != 0 ]]; then
    fill=$(($(seconds "$history") + 2 * $(seconds "$statements_interval") + 5))
    bench_log "$n clusters: run 2, history $history at statements_interval $statements_interval (${fill}s)"
    start_daemon "$n" "$label-history" "{ history: $history, statements_interval: $statements_interval }"
    pid=$bench_pgvigil_pid
    # The first interval needs two samples: the first only primes.
    deadline=$((SECONDS + 2 * $(seconds "$statements_interval") + 60))
    until (($(history_intervals) >= 1)) || ((SECONDS >= deadline)); do sleep 1; done
    result[anon_early,$n]="$(bench_mb "$(bench_status_kb "$pid" RssAnon)") MiB ($(history_intervals) held, $(elapsed "$daemon_started" | cut -d. -f1)s up)"
    wait_seconds "$(awk -v f="$fill" -v e="$(elapsed "$daemon_started")" 'BEGIN { print f - e }')"
    held=$(history_intervals)
    full=$(($(seconds "$history") / $(seconds "$statements_interval")))
    result[anon_full,$n]="$(bench_mb "$(bench_status_kb "$pid" RssAnon)") MiB ($held held, $(elapsed "$daemon_started" | cut -d. -f1)s up)"
    ((held >= full)) || bench_log "warning: the history of c001/primary holds $held intervals, not $full"
    bench_stop_pgvigil
  fi
done

# ---------------------------------------------------------------------------------------------
# Report

version=$("$bench_build_dir/pgvigil" --version 2>/dev/null | head -n 1 || true)
row() { # TITLE KEY [SUFFIX]
  local line="| $1 |" n
  for n in $sizes; do line+=" ${result[$2,$n]:-}${3:-} |"; done
  echo "$line"
}
header="| |" rule="|---|"
for n in $sizes; do
  header+=" $n × 2 = $((2 * n)) members |"
  rule+="---:|"
done

cat <<REPORT
## Fleet scale

${version:-pgvigil (version unknown)}; N clusters of two members (a primary and its streaming replica)
spread over $pairs PostgreSQL primary + replica pairs (max_connections $max_connections), health.interval $interval,
every other key at its default in run 1. Every server runs pgbench at $rate tx/s (2 clients; read-write
scripts on the primaries, read-only ones on the replicas; $pgss_variety statements in pg_stat_statements
of the first primary once the baseline was taken). All on loopback; $(nproc) CPUs.
Warm-up ${warmup}s after start, then a ${window}s window for the CPU, cycle and session figures; then the
HTTP figures (wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }'), $wrk_duration each). CPU is in % of one core.
The servers' CPU under the workload alone, with no daemon: ${baseline_servers}%.

$header
$rule
$(row "daemon CPU" cpu %)
$(row "servers' CPU (all $((2 * pairs)))" servers %)
$(row "… in the daemon's sessions" own %)
$(row "member cycles in the window" cycles)
$(row "cycle overruns in the window" overruns)
$(row "largest cycle delay" delay)
$(row "members not healthy" unhealthy)
$(row "threads" threads)
$(row "VmRSS" rss " MiB")
$(row "RssAnon" anon " MiB")
$(row "RssAnon after the HTTP runs" anon_http " MiB")
$(row "daemon sessions per member" sessions)
$(row "/metrics p50 (body), wrk -t1 -c1" metrics)
$(row "/health p50 (body), wrk -t1 -c1" health)
$(row "probe p99 at the rate reached, wrk -t2 -c$probe_connections" probe)
$(row "probe answer p99 at $target_probe_rps/s, fixed rate, $probe_connections connections" probe_rate)
$(row "/readyz 200 after start" ready " s")
REPORT
if [[ $history != 0 ]]; then
  cat <<REPORT
$(row "RssAnon, history filling (run 2)" anon_early)
$(row "RssAnon, history full (run 2)" anon_full)

Run 2 restarts the daemon with queries.history $history and queries.statements_interval $statements_interval
(every other key as in run 1) and runs it until the history is full ($(($(seconds "$history") / $(seconds "$statements_interval"))) intervals per member, reached
$history after the first interval); RssAnon is read once the first interval is in and again once
the history is full. In brackets: the intervals GET /queries returned for c001/primary then, and
the daemon's uptime.
REPORT
else
  echo
  echo "Run 2 (RssAnon with a full statement history) was skipped (--history 0)."
fi
cat <<REPORT

The probe is \`/clusters/c001/members/replica/replica\`. wrk has no fixed-rate mode, so its row
gives the p99 at the rate that $probe_connections connections reach; the fixed-rate row
(build/pgvigil-probe-rate) sends $target_probe_rps requests a second on a schedule: its first figure
times each answer from its request's send, as wrk does; "from due time" from when the request was
due (a stall is then charged to every request queued behind it), which on this shared machine
includes the client's own lateness in sending, given last.
"… in the daemon's sessions" is the CPU of the server processes serving the daemon's sessions
(application_name pgvigil) that lived through the whole window.
REPORT
