# shellcheck shell=bash
# Shared by the benchmark scripts in bench/: a scratch directory removed on exit, a throwaway
# PostgreSQL primary + streaming replica (build/pgvigil-harness), pgvigil on a config written for
# the run, and small readers for /metrics, pg_stat_statements and /proc. Everything listens on
# 127.0.0.1 only. Source it after `set -euo pipefail`; call bench_init first.
#
# Environment:
#   PGVIGIL_BUILD_DIR         build directory (default: build)
#   PGVIGIL_BENCH_SKIP_BUILD  1 = use the binaries already in the build directory as they are

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/deps.sh
source "$BENCH_ROOT/scripts/lib/deps.sh"

# shellcheck disable=SC2034  # the variables here are for the scripts that source this file
BENCH_PG_BIN=/usr/lib/postgresql/15/bin
BENCH_CLUSTER=bench             # the cluster's name in pgvigil's config and URLs
BENCH_ROLE=pgvigil              # the role pgvigil connects as (created by the harness)

bench_build_dir=""
bench_dir=""                    # scratch directory, removed on exit
bench_cluster_dir=""            # the harness's servers live here
bench_pgvigil_pid=""
bench_http_port=""
bench_extra_pids=()             # other processes to stop on exit (e.g. postgres_exporter)
bench_extra_cluster_dirs=()     # more harness clusters to stop on exit (bench/scale.sh)

bench_log() { printf 'bench: %s\n' "$*" >&2; }
bench_die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

# Stops everything this run started (daemon, exporter, servers) and removes the scratch directory.
bench_cleanup() {
  local status=$?
  trap '' INT TERM  # a second Ctrl-C must not cut the cleanup short
  bench_stop_pgvigil
  local pid
  for pid in "${bench_extra_pids[@]}"; do
    bench_stop_pid "$pid"
  done
  local dir
  for dir in "$bench_cluster_dir" "${bench_extra_cluster_dirs[@]}"; do
    if [[ -n $dir && -d $dir ]]; then
      "$bench_build_dir/pgvigil-harness" stop --dir "$dir" >/dev/null 2>&1 || true
    fi
  done
  [[ -n $bench_dir ]] && rm -rf "$bench_dir"
  exit "$status"
}

# bench_stop_pid PID: SIGTERM, then SIGKILL if it is still there after 10 s.
bench_stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_stop_pgvigil() {
  [[ -n $bench_pgvigil_pid ]] || return 0
  bench_stop_pid "$bench_pgvigil_pid"
  bench_pgvigil_pid=""
}

# bench_init NAME: installs what is missing, builds (unless PGVIGIL_BENCH_SKIP_BUILD=1), creates
# the scratch directory and sets the cleanup traps.
bench_init() {
  local name=$1
  pgvigil_install_deps
  bench_build_dir=${PGVIGIL_BUILD_DIR:-build}
  [[ $bench_build_dir == /* ]] || bench_build_dir="$BENCH_ROOT/$bench_build_dir"
  if [[ ${PGVIGIL_BENCH_SKIP_BUILD:-0} == 1 ]]; then
    [[ -x $bench_build_dir/pgvigil && -x $bench_build_dir/pgvigil-harness ]] ||
      bench_die "PGVIGIL_BENCH_SKIP_BUILD=1 but $bench_build_dir has no pgvigil or pgvigil-harness"
  else
    bench_log "building $bench_build_dir (RelWithDebInfo)"
    pgvigil_build "$bench_build_dir" RelWithDebInfo >&2
  fi
  local type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$bench_build_dir/CMakeCache.txt" 2>/dev/null || true)
  case $type in
    Release | RelWithDebInfo) ;;
    *) bench_log "warning: $bench_build_dir is a '${type:-unknown}' build; figures of an unoptimised build mean little" ;;
  esac

  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_dir=$(mktemp -d "/tmp/pgvigil-bench-$name.XXXXXX")
  chmod 755 "$bench_dir"  # as root the servers run as postgres, which must traverse it
}

# Starts the primary + replica; sets BENCH_PRIMARY_PORT, BENCH_REPLICA_PORT, BENCH_PASSWORD_FILE,
# BENCH_STATE_DIR, and the primary's BENCH_PRIMARY_NAME (cluster_name), BENCH_PRIMARY_DATA (data
# directory) and BENCH_PRIMARY_LOG.
# shellcheck disable=SC2034  # the variables set here are for the scripts that source this file
bench_start_cluster() {
  # The directory's name prefixes the servers' cluster_name (and so their process titles): keep
  # it unique to this run.
  bench_cluster_dir="$bench_dir/$(basename "$bench_dir")"
  mkdir -m 755 "$bench_cluster_dir"
  if ! "$bench_build_dir/pgvigil-harness" start --dir "$bench_cluster_dir" >"$bench_dir/harness.log" 2>&1; then
    cat "$bench_dir/harness.log" >&2
    bench_die "the harness could not start PostgreSQL"
  fi
  # shellcheck source=/dev/null
  source "$bench_cluster_dir/cluster.env"
  BENCH_PRIMARY_PORT=$PGVIGIL_DEMO_PRIMARY_PORT
  BENCH_REPLICA_PORT=$PGVIGIL_DEMO_REPLICA_PORT
  BENCH_PASSWORD_FILE=$PGVIGIL_DEMO_PASSWORD_FILE
  BENCH_STATE_DIR=$PGVIGIL_DEMO_STATE_DIR
  # The primary is the first member line of cluster.state: name, data dir, socket dir, log, port, pid.
  local _ _name _data _socket _log
  IFS=$'\t' read -r _ _name _data _socket _log _ < <(grep -m 1 '^member' "$bench_cluster_dir/cluster.state")
  BENCH_PRIMARY_NAME=$_name
  BENCH_PRIMARY_DATA=$_data
  BENCH_PRIMARY_LOG=$_log
}

# A TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range (where
# outgoing connections of other processes could take it at any moment).
bench_free_port() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    port = random.randrange(20000, 32000)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    raise SystemExit("no free port found")
PY
}

# The health benchmarks measure the check cycle alone: no pg_stat_statements sampler, no activity
# poll (bench/activity_poll.sh measures that one).
BENCH_QUERIES_HEALTH_ONLY='{ statements: false, cancel: { mode: "off" } }'

# bench_write_config FILE PORT INTERVAL [QUERIES]: one cluster, members primary and replica,
# queries: QUERIES (a YAML flow map; default BENCH_QUERIES_HEALTH_ONLY), every other key at its
# default.
bench_write_config() {
  local file=$1 port=$2 interval=$3 queries=${4:-$BENCH_QUERIES_HEALTH_ONLY}
  cat >"$file" <<YAML
daemon:
  state_dir: $BENCH_STATE_DIR
  log: { level: info }
http:
  listen: 127.0.0.1:$port
clusters:
  - name: $BENCH_CLUSTER
    members:
      - name: primary
        host: 127.0.0.1
        port: $BENCH_PRIMARY_PORT
        dbname: postgres
        user: $BENCH_ROLE
        password_file: $BENCH_PASSWORD_FILE
      - name: replica
        host: 127.0.0.1
        port: $BENCH_REPLICA_PORT
        dbname: postgres
        user: $BENCH_ROLE
        password_file: $BENCH_PASSWORD_FILE
    health:
      interval: $interval
    queries: $queries
alerts:
  sinks: []
YAML
}

# bench_http_status PATH: the status code of GET PATH (000 when nothing answers).
bench_http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$bench_http_port$1" || true
}

# bench_wait_status PATH CODE SECONDS: waits until GET PATH answers CODE.
bench_wait_status() {
  local path=$1 code=$2 seconds=$3 deadline
  deadline=$((SECONDS + seconds))
  while [[ $(bench_http_status "$path") != "$code" ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# bench_start_pgvigil INTERVAL [QUERIES]: writes the config and starts the daemon; returns once
# /readyz answers 200. Sets bench_pgvigil_pid and bench_http_port.
bench_start_pgvigil() {
  local interval=$1 queries=${2:-$BENCH_QUERIES_HEALTH_ONLY} attempt
  for attempt in 1 2 3; do
    bench_http_port=$(bench_free_port)
    bench_write_config "$bench_dir/pgvigil.yaml" "$bench_http_port" "$interval" "$queries"
    "$bench_build_dir/pgvigil" --config "$bench_dir/pgvigil.yaml" >"$bench_dir/pgvigil.log" 2>&1 &
    bench_pgvigil_pid=$!
    if bench_wait_status /readyz 200 30; then
      return 0
    fi
    if kill -0 "$bench_pgvigil_pid" 2>/dev/null; then
      cat "$bench_dir/pgvigil.log" >&2
      bench_die "pgvigil is running but /readyz did not answer 200 within 30 s"
    fi
    wait "$bench_pgvigil_pid" 2>/dev/null || true
    bench_pgvigil_pid=""
    grep -q "cannot listen" "$bench_dir/pgvigil.log" || break  # only a port clash is worth a retry
    bench_log "port $bench_http_port was taken meanwhile (attempt $attempt); trying another"
  done
  cat "$bench_dir/pgvigil.log" >&2
  bench_die "pgvigil did not start"
}

# bench_metric NAME [LABEL_REGEX]: sum of the samples of one metric family on /metrics whose
# label set matches LABEL_REGEX.
bench_metric() {
  local name=$1 labels=${2:-}
  curl -s --max-time 5 "http://127.0.0.1:$bench_http_port/metrics" |
    awk -v name="$name" -v labels="$labels" '
      ($1 == name || index($1, name "{") == 1) && $1 ~ labels { sum += $NF; found = 1 }
      END { if (!found) exit 1; printf "%.9g\n", sum }'
}

# bench_psql PORT SQL: runs SQL as the postgres superuser; unaligned, tab-separated, no headers.
bench_psql() {
  psql -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}

# bench_pgss_sample ROLE LABEL PORT...: one line per statement of ROLE in pg_stat_statements on
# each server: label, queryid, calls, total_exec_time (ms), the start of the query text,
# total_plan_time (ms; 0 unless pg_stat_statements.track_planning is on).
# LABEL names the servers in order (e.g. "primary replica").
bench_pgss_sample() {
  local role=$1
  local -a labels
  read -r -a labels <<<"$2"
  shift 2
  local i=0 port
  for port in "$@"; do
    bench_psql "$port" "
      SELECT s.queryid, s.calls, s.total_exec_time,
             left(regexp_replace(s.query, '\\s+', ' ', 'g'), 72), s.total_plan_time
        FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
       WHERE r.rolname = '$role'" | sed "s/^/${labels[i]}\t/"
    i=$((i + 1))
  done
}

# bench_pgss_diff BEFORE AFTER: per statement differences between two samples: server, queryid,
# calls, exec ms, query, plan ms; busiest first; statements that did not run are left out.
bench_pgss_diff() {
  awk -F'\t' -v OFS='\t' '
    NR == FNR { calls[$1 FS $2] = $3; ms[$1 FS $2] = $4; plan[$1 FS $2] = $6; next }
    {
      key = $1 FS $2
      dc = $3 - calls[key]; dt = $4 - ms[key]; dp = $6 - plan[key]
      if (dc != 0) print $1, $2, dc, sprintf("%.3f", dt), $5, sprintf("%.3f", dp)
    }' "$1" "$2" | sort -t$'\t' -k3,3nr
}

# bench_track_planning PORT...: turns pg_stat_statements.track_planning on, so that planning
# time (which total_exec_time leaves out) is counted too.
bench_track_planning() {
  local port
  for port in "$@"; do
    bench_psql "$port" "ALTER SYSTEM SET pg_stat_statements.track_planning = on" >/dev/null
    bench_psql "$port" "SELECT pg_reload_conf()" >/dev/null
  done
}

# CPU time of a process in clock ticks (utime + stime of all its threads, dead ones included).
bench_cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }  # the name may contain spaces; the fields after it do not
  awk '{ print $12 + $13 }' <<<"$stat"
}

# bench_thread_cpu PID: one line per live thread: tid, name, CPU time in ns (from schedstat,
# finer than clock ticks).
bench_thread_cpu() {
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "${task##*/}" "$(<"$task/comm")" "$(awk '{ print $1 }' "$task/schedstat")"
  done 2>/dev/null
}

# bench_pss_kb PID: proportional set size in kB (shared pages divided among their users).
bench_pss_kb() {
  awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"
}

# bench_status_kb PID FIELD: a field of /proc/PID/status in kB (VmRSS, RssAnon, RssFile, VmHWM).
bench_status_kb() {
  awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"
}

# bench_mb KB: kilobytes as MiB with one decimal.
bench_mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }

# bench_verdict OK: "met" or "MISSED" for a test expression's exit status.
bench_verdict() { if "$@"; then echo met; else echo MISSED; fi; }

# bench_lt A B: true when number A < number B.
bench_lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
bench_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
bench_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
