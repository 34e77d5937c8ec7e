#!/usr/bin/env bash
# How fast pgvigil stops calling a dead primary a primary: with health.interval 10s, the primary's
# postmaster is killed (SIGKILL) repeatedly, and the time from each kill to the first non-200
# answer of GET /clusters/<c>/members/primary/primary is measured by a probe polling every 1 ms
# on a kept-alive loopback connection (bench/lib/kill_probe.py). Between kills the primary is
# restarted and the probe must answer 200 again. Prints Markdown on stdout, progress on stderr.
# Everything it starts is stopped, and its temporary directory removed, on exit or Ctrl-C.
#
# Environment (defaults in brackets):
#   PGVIGIL_BENCH_KILLS      number of kills [10]
#   PGVIGIL_BUILD_DIR, PGVIGIL_BENCH_SKIP_BUILD: see bench/lib/common.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib/common.sh

kills=${PGVIGIL_BENCH_KILLS:-10}
interval=10s
target_ms=100

bench_init kill-detection
load_before=$(cut -d" " -f1-3 /proc/loadavg)
bench_log "starting PostgreSQL primary + replica"
bench_start_cluster
bench_log "starting pgvigil (health.interval $interval)"
bench_start_pgvigil "$interval"
version=$("$bench_build_dir/pgvigil" --version 2>/dev/null | head -n 1 || true)
probe="/clusters/$BENCH_CLUSTER/members/primary/primary"
bench_wait_status "$probe" 200 60 || bench_die "GET $probe never answered 200"

# Runs a server command as the account the servers run as.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

postmaster_pid() { head -n 1 "$BENCH_PRIMARY_DATA/postmaster.pid"; }

# The server account may not write the harness's log (the harness created it): the restarted
# primary logs beside it, in a file of its own.
restart_log="$(dirname "$BENCH_PRIMARY_LOG")/primary-restarted.log"

# Restarts the killed primary on its port, as the harness started it.
restart_primary() {
  local old_pid=$1 i
  # A killed postmaster may linger as a zombie until PID 1 reaps it; its lock file names it, and
  # a new postmaster refuses to start while that PID exists.
  for ((i = 0; i < 300; i++)); do
    [[ -e /proc/$old_pid ]] || break
    sleep 0.05
  done
  [[ ! -e /proc/$old_pid ]] || bench_die "killed postmaster $old_pid still exists after 15 s"
  # Its children leave on their own once they notice; until then the shared memory is in use.
  for ((i = 0; i < 20; i++)); do
    if as_server "$BENCH_PG_BIN/pg_ctl" start -w -t 60 -D "$BENCH_PRIMARY_DATA" -l "$restart_log" \
      -o "-p $BENCH_PRIMARY_PORT -c cluster_name=$BENCH_PRIMARY_NAME" >>"$bench_dir/pg_ctl.log" 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  cat "$bench_dir/pg_ctl.log" >&2
  bench_die "the primary did not restart"
}

detections=()
recoveries=()
statuses=()
for ((k = 1; k <= kills; k++)); do
  # Kill at a random moment of the 10 s cycle, not in step with it.
  sleep "$(awk -v seed="$RANDOM" 'BEGIN { srand(seed); printf "%.2f", 0.5 + rand() * 3 }')"
  pid=$(postmaster_pid)
  if ! line=$(python3 bench/lib/kill_probe.py --port "$bench_http_port" --path "$probe" --pid "$pid" \
    --every-ms 1 --timeout-s 60); then
    bench_die "kill $k: no non-200 answer from $probe (see above)"
  fi
  read -r ms status polls <<<"$line"
  detections+=("$ms")
  statuses+=("$status")
  bench_log "kill $k/$kills: postmaster $pid; $probe answered $status after $ms ms ($polls polls)"
  restart_primary "$pid"
  began=$SECONDS
  bench_wait_status "$probe" 200 180 || bench_die "kill $k: $probe not 200 again within 180 s of the restart"
  recoveries+=($((SECONDS - began)))
done

sorted=$(printf '%s\n' "${detections[@]}" | sort -n)
read -r min median max mean over < <(awk -v target="$target_ms" '
  { v[NR] = $1; sum += $1; if ($1 >= target) over++ }
  END {
    median = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.1f %.1f %.1f %.1f %d\n", v[1], median, v[NR], sum / NR, over
  }' <<<"$sorted")
verdict=met
((over == 0)) || verdict=MISSED

cat <<REPORT
## Kill detection

${version:-pgvigil (version unknown)}; health.interval $interval, every other key at its default.
$kills × SIGKILL to the primary's postmaster; time from the kill to the first non-200 answer of
\`GET $probe\`, polled every 1 ms on a kept-alive loopback connection (resolution about 1 ms:
the figure is taken when the answer arrives). Load average (1, 5, 15 min) at the start:
$load_before; at the end: $(cut -d" " -f1-3 /proc/loadavg).

| kill | $(seq -s ' | ' 1 "$kills") |
|---|$(printf -- '---:|%.0s' $(seq 1 "$kills"))
| detection (ms) | $(printf '%s | ' "${detections[@]}" | sed 's/ | $//') |
| status | $(printf '%s | ' "${statuses[@]}" | sed 's/ | $//') |
| back to 200 after restart (s) | $(printf '%s | ' "${recoveries[@]}" | sed 's/ | $//') |

| min | median | max | mean | target | verdict |
|---:|---:|---:|---:|---|---|
| $min ms | $median ms | $max ms | $mean ms | every kill < $target_ms ms ($over of $kills at or over) | $verdict |
REPORT
