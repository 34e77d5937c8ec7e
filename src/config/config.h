// The validated configuration of the daemon. A Config only comes out of load_config()
// (config/loader.h), which rejects unknown keys, duplicates, wrong types and impossible values.
// Defaults live here, next to each field, and in config/pgvigil.yaml, which lists them all.
// A Config is immutable once loaded; the daemon swaps whole Configs on reload.
// Every struct compares member-wise with ==, so a reload can tell what changed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/duration.h"

namespace pgvigil::config {

using namespace std::chrono_literals;

enum class LogFormat { text, json };

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error | critical | off
  LogFormat format = LogFormat::text;

  bool operator==(const LogConfig&) const = default;
};

struct DaemonConfig {
  std::string state_dir = "/var/lib/pgvigil";  // spool, audit and slow-query logs
  // What the in-memory statement interval history (GET /queries) may take, every cluster
  // together; the slow-query log on disk keeps everything. See the README for the arithmetic.
  std::uint64_t statement_history_max_bytes = 8ull * 1024 * 1024;
  LogConfig log;

  bool operator==(const DaemonConfig&) const = default;
};

struct TlsConfig {
  std::string cert_file;  // both set = HTTPS
  std::string key_file;

  bool operator==(const TlsConfig&) const = default;
};

struct HttpConfig {
  std::string listen = "127.0.0.1:9188";
  TlsConfig tls;
  std::string admin_token_file;  // empty = POST endpoints disabled
  std::string external_url;      // used in alert links

  bool operator==(const HttpConfig&) const = default;
};

// How to reach one member. `params` are libpq keywords (host, port, dbname, user, sslmode, ...)
// from a conninfo string, a URI or the discrete keys. An inline password, if any, is kept apart
// in `inline_password` so that no printable form of the params can carry it.
struct MemberConfig {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;
  std::string inline_password;  // discouraged; the loader warns
  std::string password_file;    // read at each connect, so a rotated file takes effect
  int line = 0;                 // where the member is defined, for messages

  bool operator==(const MemberConfig&) const = default;
};

struct PoolConfig {
  int min = 1;
  int max = 2;  // the monitor must never be what exhausts max_connections
  Duration acquire_timeout = 2s;
  Duration connect_timeout = 3s;
  Duration idle_timeout = 5min;
  Duration max_lifetime = 30min;
  Duration validation_interval = 30s;

  bool operator==(const PoolConfig&) const = default;
};

struct RetryConfig {
  Duration base = 500ms;
  Duration max = 30s;
  double multiplier = 2.0;
  int circuit_after = 3;  // consecutive connect failures before the circuit opens

  bool operator==(const RetryConfig&) const = default;
};

// One health check's settings. Threshold units depend on the check (see check_table.h):
// seconds for durations, a fraction for ratios, bytes for sizes.
struct CheckConfig {
  bool enabled = true;
  std::optional<double> warning;
  std::optional<double> critical;
  std::optional<double> warning_bytes;   // replication_lag only
  std::optional<double> critical_bytes;  // replication_lag only
  std::string table;                     // write_probe only

  bool operator==(const CheckConfig&) const = default;
};

struct HealthConfig {
  Duration interval = 5s;
  Duration query_timeout = 2s;
  int fail_after = 1;
  int recover_after = 2;
  Duration slow_checks_interval = 30s;
  std::map<std::string, CheckConfig> checks;  // every known check, defaults filled in

  bool operator==(const HealthConfig&) const = default;
};

enum class CancelMode { off, dry_run, enforce };

struct CancelExclude {
  std::vector<std::string> users;
  std::vector<std::string> databases;
  std::vector<std::string> applications = {"pg_dump", "pg_basebackup"};
  std::vector<std::string> queries = {R"(^\s*(VACUUM|ANALYZE|CREATE( UNIQUE)? INDEX|REINDEX|CLUSTER))"};

  bool operator==(const CancelExclude&) const = default;
};

struct CancelConfig {
  CancelMode mode = CancelMode::dry_run;
  Duration max_query_duration = 5min;
  Duration terminate_after = 30s;
  Duration max_idle_in_transaction = 10min;
  bool allow_superuser = false;
  bool only_if_blocking = false;
  int max_actions_per_minute = 10;
  CancelExclude exclude;

  bool operator==(const CancelConfig&) const = default;
};

struct QueriesConfig {
  bool statements = true;  // false: no pg_stat_statements sampling, and no reason when it is missing
  Duration statements_interval = 60s;
  Duration slow_threshold = 500ms;
  int top_n = 20;
  // Every member's pg_stat_activity scan; the canceller's shortest default limit is 30s.
  Duration activity_interval = 5s;
  int max_query_length = 2048;
  Duration history = 1h;  // how far back GET /queries reaches
  int metrics_top_n = 0;   // per-queryid series of the heaviest statements; 0 = none, at most 20
  CancelConfig cancel;

  bool operator==(const QueriesConfig&) const = default;
};

enum class SchemaSeverity { warning, critical };

// clusters[].schema: the objects and migrations the application database must have. Absent from
// the file = no schema check (ClusterConfig::schema is empty) and no statement for it. Relation
// names are stored schema-qualified ("users" is read as "public.users").
struct SchemaConfig {
  Duration interval = 60s;
  SchemaSeverity severity = SchemaSeverity::warning;  // of missing objects and broken migrations
  std::vector<std::string> required_extensions;
  std::vector<std::string> required_tables;
  std::vector<std::string> required_indexes;
  std::string migrations_dir;  // empty = no comparison with files
  std::string history_table = "public.pgvigil_schema_migrations";
  bool history_table_set = false;  // written in the file: its absence is then a problem
  bool other_tools = true;         // read Prisma, Flyway, golang-migrate and Alembic history tables

  bool operator==(const SchemaConfig&) const = default;
};

struct ClusterConfig {
  std::string name;
  std::vector<MemberConfig> members;
  PoolConfig pool;
  RetryConfig retry;
  HealthConfig health;
  QueriesConfig queries;
  std::optional<SchemaConfig> schema;
  int line = 0;

  bool operator==(const ClusterConfig&) const = default;
};

enum class SinkType { alertmanager, webhook };

struct SinkConfig {
  std::string name;
  SinkType type = SinkType::webhook;
  std::vector<std::string> urls;  // alertmanager: every URL of the Alertmanager cluster
  std::string url;                // webhook
  std::string secret_file;        // webhook: HMAC-SHA256 signing secret
  std::map<std::string, std::string> headers;
  Duration timeout = 5s;
  std::vector<std::string> severities;  // empty = all
  std::vector<std::string> clusters;    // empty = all

  bool operator==(const SinkConfig&) const = default;
};

// alerts.for: how many consecutive health cycles a condition must hold before its alert fires,
// by severity. 1 = on first sight.
struct AlertForConfig {
  int critical = 1;
  int warning = 3;
  int info = 3;

  bool operator==(const AlertForConfig&) const = default;
};

// alerts.rules.<AlertName>: settings of one alert that override those by severity.
struct AlertRuleConfig {
  int for_cycles = 1;  // `for`; required in a rule

  bool operator==(const AlertRuleConfig&) const = default;
};

// Waits between delivery attempts of a notification that failed in a way that may pass (5xx,
// timeout, no connection): exponential with full jitter.
struct DeliveryRetryConfig {
  Duration base = 500ms;
  Duration max = 30s;
  double multiplier = 2.0;

  bool operator==(const DeliveryRetryConfig&) const = default;
};

struct AlertsConfig {
  Duration resend_interval = 1min;
  std::string runbook_base_url;
  std::uint64_t spool_max_bytes = 16ull * 1024 * 1024;
  AlertForConfig for_cycles;                     // `for`
  std::map<std::string, AlertRuleConfig> rules;  // by alert name (config/alert_names.h); default none
  DeliveryRetryConfig retry;
  std::vector<SinkConfig> sinks;

  bool operator==(const AlertsConfig&) const = default;
};

struct Config {
  std::string source;  // file the config came from ("<string>" in tests)
  DaemonConfig daemon;
  HttpConfig http;
  std::vector<ClusterConfig> clusters;
  AlertsConfig alerts;

  bool operator==(const Config&) const = default;
};

}  // namespace pgvigil::config
