# shellcheck shell=bash
# wrk runs and their figures, for bench/health_api.sh. Sourced; uses the caller's bench_dir,
# bench_http_port, wrk_duration, wrk_runs, wrk_threads and wrk_connections.

# run_wrk NAME PATH [THREADS CONNECTIONS]: runs wrk and prints
# "rps p50_ms p99_ms requests non2xx socket_errors".
run_wrk() {
  local name=$1 path=$2 threads=${3:-$wrk_threads} connections=${4:-$wrk_connections} out="$bench_dir/wrk.$1"
  bench_log "wrk -t$threads -c$connections -d$wrk_duration --latency $path"
  wrk -t"$threads" -c"$connections" -d"$wrk_duration" --latency \
    "http://127.0.0.1:$bench_http_port$path" >"$out" 2>&1 || {
    cat "$out" >&2
    bench_die "wrk failed"
  }
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /Latency Distribution/ { dist = 1 }
    dist && $1 == "50%" { p50 = ms($2) }
    dist && $1 == "99%" { p99 = ms($2) }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { errors = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d %d\n", rps, p50, p99, requests, non2xx, errors }' "$out"
}

# run_wrk_median NAME PATH: wrk_runs runs of run_wrk; prints the median requests/s, p50 and p99
# (each taken on its own), the p99 range, and the requests, non-2xx answers and socket errors
# summed: "rps p50 p99 p99_min p99_max requests non2xx socket_errors".
run_wrk_median() {
  local i runs=""
  for ((i = 1; i <= wrk_runs; i++)); do
    runs+=$(run_wrk "$1.$i" "$2")$'\n'
  done
  awk '
    function median(col,    v, n, i, j, a) {
      n = 0
      for (i = 1; i <= rows; i++) a[++n] = row[i, col]
      # insertion sort: a handful of values
      for (i = 2; i <= n; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v }
      lo = a[1]; hi = a[n]
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NF { rows++; for (c = 1; c <= NF; c++) row[rows, c] = $c; req += $4; bad += $5; err += $6 }
    END {
      rps = median(1); p50 = median(2); p99 = median(3); p99lo = lo; p99hi = hi
      printf "%.0f %.3f %.3f %.3f %.3f %d %d %d\n", rps, p50, p99, p99lo, p99hi, req, bad, err
    }' <<<"$runs"
}
