# shellcheck shell=bash
# Used by scripts/demo: a Prometheus and an Alertmanager of the demo's own on 127.0.0.1 (9090 and
# 9093 when free), and the slow statement and runaway session the demo shows. Source it after
# scripts/lib/deps.sh; it defines functions only. The start functions append their process to the
# caller's service_pids array, so the caller's exit trap stops them.

# Whether something listens on 127.0.0.1:PORT.
demo_port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# PREFERRED when nothing listens on it, else a random port nothing listens on (20000-32000, below
# the kernel's ephemeral range).
demo_free_port() {
  local port=$1
  while demo_port_taken "$port"; do port=$((20000 + RANDOM % 12000)); done
  echo "$port"
}

# demo_wait_ready URL NAME LOG: waits up to 20 s for URL/-/ready; shows LOG when it never comes.
demo_wait_ready() {
  local url=$1 name=$2 log=$3 i
  for ((i = 0; i < 100; i++)); do
    curl -fsS "$url/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "pgvigil demo: $name did not become ready at $url:" >&2
  cat "$log" >&2
  return 1
}

# demo_start_alertmanager DIR: sets alertmanager_url.
demo_start_alertmanager() {
  local dir=$1 port
  mkdir -p "$dir"
  port=$(demo_free_port 9093)
  # No notifier: the demo's alerts are for looking at in the web UI.
  cat >"$dir/alertmanager.yml" <<'YAML'
route:
  receiver: demo
  group_by: [alertname, cluster]
  group_wait: 5s
receivers:
  - name: demo
YAML
  /usr/bin/prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= --log.level=warn \
    >"$dir/alertmanager.log" 2>&1 &
  service_pids+=($!)
  alertmanager_url=http://127.0.0.1:$port
  demo_wait_ready "$alertmanager_url" Alertmanager "$dir/alertmanager.log"
}

# demo_start_prometheus DIR TARGET [ALERTMANAGER_URL]: scrapes TARGET (host:port) as job pgvigil
# with dashboards/pgvigil-rules.yml loaded, alerting to the Alertmanager if one is given. Sets
# prometheus_url.
demo_start_prometheus() {
  local dir=$1 target=$2 alertmanager=${3:-} port
  mkdir -p "$dir"
  port=$(demo_free_port 9090)
  {
    printf 'global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n'
    printf 'rule_files:\n  - %s\n' "$PGVIGIL_ROOT/dashboards/pgvigil-rules.yml"
    if [[ -n $alertmanager ]]; then
      printf 'alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ["%s"]\n' "${alertmanager#http://}"
    fi
    printf 'scrape_configs:\n  - job_name: pgvigil\n    static_configs:\n      - targets: ["%s"]\n' "$target"
  } >"$dir/prometheus.yml"
  /usr/bin/prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
  service_pids+=($!)
  prometheus_url=http://127.0.0.1:$port
  demo_wait_ready "$prometheus_url" Prometheus "$dir/prometheus.log"
}

# demo_slow_and_runaway_sessions PGVIGIL_URL PG_BIN PSQL_CONNECTION_ARGS...: run in the background.
# Once pgvigil has recorded the primary's first pg_stat_statements interval (the sample before it
# only primes, so a statement run earlier would never be reported), runs one statement over the
# slow threshold, then becomes a session that sleeps for an hour: past max_query_duration, the
# dry-run canceller records a cancel (and later a terminate) for it without touching it.
demo_slow_and_runaway_sessions() {
  local url=$1 pg_bin=$2 i
  shift 2
  for ((i = 0; i < 240; i++)); do
    curl -fsS "$url/queries?cluster=demo&member=primary&limit=1" 2>/dev/null | grep -q '"count":[1-9]' && break
    sleep 0.5
  done
  PGAPPNAME=demo-slow-statement "$pg_bin/psql" -X -q "$@" -d postgres \
    -c "SELECT pg_sleep(2) AS demo_slow_statement" >/dev/null 2>&1 || true
  PGAPPNAME=demo-runaway exec "$pg_bin/psql" -X -q "$@" -d postgres \
    -c "SELECT pg_sleep(3600) AS demo_runaway_session" >/dev/null 2>&1
}
