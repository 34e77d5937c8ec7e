// Values and their bounds in the daemon, http, pool, retry, queries and cancel sections.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

TEST(ConfigPool, ValuesAreReadAndBounded) {
  auto config = load_ok(kCluster + "    pool: { min: 0, max: 5, acquire_timeout: 1s, connect_timeout: 500ms, "
                                   "idle_timeout: 1m, max_lifetime: 1h, validation_interval: 10s }\n");
  const PoolConfig expected{0, 5, 1s, 500ms, 1min, 1h, 10s};
  EXPECT_TRUE(config.clusters.at(0).pool == expected);

  auto errors = errors_of(kCluster +
                          "    pool:\n"
                          "      min: 3\n"
                          "      max: 2\n"
                          "      acquire_timeout: 0s\n"
                          "  - name: b\n"
                          "    members: [{ name: m }]\n"
                          "    pool: { max: 0, min: -1 }\n"
                          "  - name: c\n"
                          "    members: [{ name: m }]\n"
                          "    pool: { max: 1000 }\n"
                          "  - name: d\n"
                          "    members: [{ name: m }]\n"
                          "    pool: { min: 5 }\n");
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].pool.min", "pool.min (3) is greater than pool.max (2)"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].pool.acquire_timeout", "must be greater than 0s"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[1].pool.max", "0 is out of range"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[1].pool.min", "-1 is out of range"));
  EXPECT_TRUE(has_error(errors, 14, "clusters[2].pool.max", "1000 is out of range"));
  EXPECT_TRUE(has_error(errors, 17, "clusters[3].pool.min", "pool.min (5) is greater than pool.max (2)"));
  EXPECT_EQ(errors.size(), 6u) << dump(errors);
}

TEST(ConfigRetry, ValuesAreReadAndBounded) {
  auto config = load_ok(kCluster + "    retry: { base: 100ms, max: 1s, multiplier: 1.5, circuit_after: 5 }\n");
  const RetryConfig expected{100ms, 1s, 1.5, 5};
  EXPECT_TRUE(config.clusters.at(0).retry == expected);

  auto errors = errors_of(kCluster + "    retry: { base: 10s, max: 5s, multiplier: 0.5, circuit_after: 0 }\n");
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].retry.max", "retry.max (5s) is less than retry.base (10s)"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].retry.multiplier", "0.5 is out of range"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].retry.circuit_after", "0 is out of range"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
  EXPECT_TRUE(has_error(errors_of(kCluster + "    retry: { base: 1m }\n"), 5, "clusters[0].retry.base",
                        "retry.max (30s) is less than retry.base (1m)"));
}

TEST(ConfigQueries, ValuesAreReadAndBounded) {
  auto config = load_ok(kCluster +
                        "    queries:\n"
                        "      statements_interval: 10s\n"
                        "      slow_threshold: 0s\n"
                        "      top_n: 5\n"
                        "      activity_interval: 2s\n"
                        "      max_query_length: 100\n"
                        "      history: 2h\n"
                        "      cancel:\n"
                        "        mode: enforce\n"
                        "        max_query_duration: 1m\n"
                        "        terminate_after: 10s\n"
                        "        max_idle_in_transaction: 1h\n"
                        "        allow_superuser: true\n"
                        "        only_if_blocking: true\n"
                        "        max_actions_per_minute: 3\n"
                        "        exclude: { users: [etl], databases: [], applications: [], queries: ['^COPY'] }\n");
  const QueriesConfig& q = config.clusters.at(0).queries;
  EXPECT_EQ(q.statements_interval, 10s);
  EXPECT_EQ(q.slow_threshold, 0s) << "0s logs every statement";
  EXPECT_EQ(q.top_n, 5);
  EXPECT_EQ(q.activity_interval, 2s);
  EXPECT_EQ(q.max_query_length, 100);
  EXPECT_EQ(q.history, 2h);
  EXPECT_EQ(q.cancel.mode, CancelMode::enforce);
  EXPECT_EQ(q.cancel.max_query_duration, 1min);
  EXPECT_EQ(q.cancel.terminate_after, 10s);
  EXPECT_EQ(q.cancel.max_idle_in_transaction, 1h);
  EXPECT_TRUE(q.cancel.allow_superuser);
  EXPECT_TRUE(q.cancel.only_if_blocking);
  EXPECT_EQ(q.cancel.max_actions_per_minute, 3);
  EXPECT_EQ(q.cancel.exclude.users, std::vector<std::string>{"etl"});
  EXPECT_TRUE(q.cancel.exclude.databases.empty());
  EXPECT_TRUE(q.cancel.exclude.applications.empty()) << "an explicit empty list replaces the default";
  EXPECT_EQ(q.cancel.exclude.queries, std::vector<std::string>{"^COPY"});
}

TEST(ConfigQueries, NonsenseIsRejected) {
  auto errors = errors_of(kCluster +
                          "    queries:\n"
                          "      statements_interval: 0s\n"
                          "      top_n: 0\n"
                          "      cancel:\n"
                          "        mode: always\n"
                          "        terminate_after: 0ms\n"
                          "        allow_superuser: maybe\n"
                          "        max_actions_per_minute: -1\n"
                          "        exclude:\n"
                          "          users: etl\n"
                          "          queries: ['^VACUUM', '(unclosed']\n"
                          "          hosts: []\n");
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].queries.statements_interval", "greater than 0s"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].queries.top_n", "out of range"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].queries.cancel.mode",
                        "unknown value 'always': expected one of off, dry_run, enforce"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].queries.cancel.terminate_after", "greater than 0s"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[0].queries.cancel.allow_superuser", "expected true or false"));
  EXPECT_TRUE(has_error(errors, 12, "clusters[0].queries.cancel.max_actions_per_minute", "out of range"));
  EXPECT_TRUE(has_error(errors, 14, "clusters[0].queries.cancel.exclude.users", "expected a list"));
  EXPECT_TRUE(has_error(errors, 15, "clusters[0].queries.cancel.exclude.queries[1]", "invalid regular expression"));
  EXPECT_TRUE(has_error(errors, 16, "clusters[0].queries.cancel.exclude.hosts", "unknown key"));
  EXPECT_EQ(errors.size(), 9u) << dump(errors);
}

TEST(ConfigDaemon, LogAndStateDir) {
  auto config = load_ok(kCluster + "daemon: { state_dir: /tmp/pgv, log: { level: debug, format: json } }\n");
  EXPECT_EQ(config.daemon.state_dir, "/tmp/pgv");
  EXPECT_EQ(config.daemon.log.level, "debug");
  EXPECT_EQ(config.daemon.log.format, LogFormat::json);
  EXPECT_EQ(load_ok(kCluster + "daemon: { log: { level: warning } }\n").daemon.log.level, "warning");
  auto errors = errors_of(kCluster + "daemon:\n  state_dir: \"\"\n  log: { level: verbose }\n");
  EXPECT_TRUE(has_error(errors, 6, "daemon.state_dir", "must not be empty"));
  EXPECT_TRUE(has_error(errors, 7, "daemon.log.level", "unknown value 'verbose'"));
}

TEST(ConfigDaemon, StatementHistoryBudgetIsASize) {
  EXPECT_EQ(load_ok(kCluster).daemon.statement_history_max_bytes, 8ull * 1024 * 1024) << "the default";
  EXPECT_EQ(load_ok(kCluster + "daemon: { statement_history_max_bytes: 64MB }\n").daemon.statement_history_max_bytes,
            64ull * 1024 * 1024);
  EXPECT_EQ(load_ok(kCluster + "daemon: { statement_history_max_bytes: 1.5MB }\n").daemon.statement_history_max_bytes,
            1536ull * 1024);
  auto errors = errors_of(kCluster + "daemon:\n  state_dir: /tmp/pgv\n  statement_history_max_bytes: 16000000\n");
  EXPECT_TRUE(has_error(errors, 7, "daemon.statement_history_max_bytes", "invalid size '16000000'"));
  EXPECT_TRUE(has_error(errors_of(kCluster + "daemon: { statement_history_max_bytes: 512B }\n"), 5,
                        "daemon.statement_history_max_bytes", "must be at least 1kB"));
  EXPECT_TRUE(has_error(errors_of(kCluster + "daemon: { statement_history_max_bytes: [1MB] }\n"), 5,
                        "daemon.statement_history_max_bytes", ""));
}

TEST(ConfigHttp, ListenMustBeHostAndPort) {
  for (const std::string good : {"0.0.0.0:80", "[::1]:9188", "localhost:9188"}) {
    EXPECT_EQ(load_ok(kCluster + "http: { listen: \"" + good + "\" }\n").http.listen, good);
  }
  for (const char* bad : {"9188", "127.0.0.1", "127.0.0.1:", ":9188", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:http", "::1:9188", "[::1]9188"}) {
    EXPECT_TRUE(has_error(errors_of(kCluster + "http:\n  listen: \"" + bad + "\"\n"), 6, "http.listen",
                          "expected host:port"))
        << bad;
  }
}

TEST(ConfigHttp, UrlsMustBeHttp) {
  EXPECT_EQ(load_ok(kCluster + "http: { external_url: \"https://mon.example/pgvigil\" }\n").http.external_url,
            "https://mon.example/pgvigil");
  EXPECT_TRUE(has_error(errors_of(kCluster + "http: { external_url: mon.example }\n"), 5, "http.external_url",
                        "expected an http:// or https:// URL"));
  EXPECT_TRUE(has_error(errors_of(kCluster + "alerts: { runbook_base_url: \"ftp://x/\" }\n"), 5,
                        "alerts.runbook_base_url", "expected an http:// or https:// URL"));
}

using ConfigFiles = ScratchDir;

TEST_F(ConfigFiles, TlsNeedsBothCertAndKey) {
  const auto cert = write("cert.pem");
  const auto key = write("key.pem");
  auto config = load_ok(kCluster + "http: { tls: { cert_file: " + cert + ", key_file: " + key + " } }\n");
  EXPECT_EQ(config.http.tls.cert_file, cert);
  EXPECT_EQ(config.http.tls.key_file, key);

  auto errors = errors_of(kCluster + "http:\n  tls:\n    cert_file: " + cert + "\n    key_file: \"\"\n");
  EXPECT_TRUE(has_error(errors, 7, "http.tls.key_file", "cert_file and key_file must be set together"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
  auto only_key = errors_of(kCluster + "http:\n  tls: { key_file: " + key + " }\n");
  EXPECT_TRUE(has_error(only_key, 6, "http.tls.cert_file", "must be set together"));
}

TEST_F(ConfigFiles, FilesNamedInTheConfigMustExist) {
  const auto missing = (dir_ / "missing").string();
  auto errors = errors_of(kCluster + "http:\n  admin_token_file: " + missing + "\n  tls: { cert_file: " + missing +
                          ", key_file: " + dir_.string() + " }\n");
  EXPECT_TRUE(has_error(errors, 6, "http.admin_token_file", "does not exist"));
  EXPECT_TRUE(has_error(errors, 7, "http.tls.cert_file", "does not exist"));
  EXPECT_TRUE(has_error(errors, 7, "http.tls.key_file", "is a directory"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

}  // namespace
}  // namespace pgvigil::config
