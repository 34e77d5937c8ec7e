// The loader's handling of the file as a whole: YAML syntax, strictness about keys and types,
// required sections, error collection and formatting, files on disk.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

TEST(ConfigLoader, MinimalConfigLoadsWithEveryDefault) {
  auto loaded = load_config_string(kCluster, kTestFile);
  ASSERT_TRUE(loaded) << dump(loaded.error());
  const Config& config = loaded->config;
  EXPECT_EQ(config.source, kTestFile);
  EXPECT_TRUE(config.daemon == DaemonConfig{});
  EXPECT_TRUE(config.http == HttpConfig{});
  ASSERT_EQ(config.clusters.size(), 1u);
  const ClusterConfig& cluster = config.clusters[0];
  EXPECT_EQ(cluster.name, "main");
  EXPECT_EQ(cluster.line, 2);
  EXPECT_TRUE(cluster.pool == PoolConfig{});
  EXPECT_TRUE(cluster.retry == RetryConfig{});
  EXPECT_TRUE(cluster.queries == QueriesConfig{});
  EXPECT_EQ(cluster.health.interval, HealthConfig{}.interval);
  EXPECT_EQ(cluster.health.checks.size(), check_specs().size()) << "every check has an entry";
  ASSERT_EQ(cluster.members.size(), 1u);
  EXPECT_EQ(cluster.members[0].line, 4);
  EXPECT_TRUE(config.alerts.sinks.empty());
  EXPECT_TRUE(loaded->warnings.empty());
}

TEST(ConfigLoader, UnknownKeyIsReportedAtItsLineWithItsPath) {
  const std::string yaml = kCluster +  // lines 1-4
                           "    pool:\n"
                           "      min: 1\n"
                           "      maxx: 3\n";
  auto errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].pool.maxx", "unknown key 'maxx'"));
  EXPECT_NE(errors[0].message.find("expected one of min, max,"), std::string::npos) << errors[0].message;
}

TEST(ConfigLoader, UnknownKeysAtEveryLevel) {
  auto errors = errors_of(kCluster + "bogus: 1\ndaemon: { log: { colour: red } }\n");
  EXPECT_TRUE(has_error(errors, 5, "bogus", "unknown key"));
  EXPECT_TRUE(has_error(errors, 6, "daemon.log.colour", "unknown key"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ConfigLoader, DuplicateKeysAreErrorsNamingBothLines) {
  const std::string yaml = kCluster +
                           "    pool:\n"
                           "      max: 2\n"
                           "      max: 5\n"
                           "daemon: { state_dir: /a, state_dir: /b }\n";
  auto errors = errors_of(yaml);
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].pool.max", "duplicate key (first defined at line 6)"));
  EXPECT_TRUE(has_error(errors, 8, "daemon.state_dir", "duplicate key (first defined at line 8)"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST(ConfigLoader, DuplicateTopLevelSection) {
  auto errors = errors_of(kCluster + "http: { listen: \"127.0.0.1:1\" }\nhttp: { listen: \"127.0.0.1:2\" }\n");
  EXPECT_TRUE(has_error(errors, 6, "http", "duplicate key (first defined at line 5)"));
}

TEST(ConfigLoader, SyntaxErrorHasFileAndLine) {
  auto errors = errors_of("daemon:\n  state_dir: /x\nclusters: [\n  {name: a\n");
  ASSERT_EQ(errors.size(), 1u) << dump(errors);
  EXPECT_EQ(errors[0].file, kTestFile);
  EXPECT_GT(errors[0].line, 0);
  EXPECT_NE(errors[0].message.find("YAML syntax error"), std::string::npos);
  auto tab = errors_of("daemon:\n  log: {level: info\n  state_dir: x\n}}\n");
  ASSERT_EQ(tab.size(), 1u) << dump(tab);
  EXPECT_GT(tab[0].line, 0);
}

TEST(ConfigLoader, UnquotedUrlWithQueryInFlowMapIsASyntaxErrorNotACrash) {
  auto errors = errors_of(kCluster + "alerts:\n  sinks:\n    - {name: x, type: webhook, url: http://h/x?a=1}\n");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].line, 7) << dump(errors);
}

TEST(ConfigLoader, EmptyAndMultiDocumentFilesAreRejected) {
  auto empty = errors_of("");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_NE(empty[0].message.find("empty"), std::string::npos);
  EXPECT_EQ(errors_of("# only a comment\n").size(), 1u);
  auto two = errors_of(kCluster + "---\n" + kCluster);
  EXPECT_TRUE(has_error(two, 6, "", "only one YAML document"));
}

TEST(ConfigLoader, TopLevelMustBeAMap) {
  auto errors = errors_of("- a\n- b\n");
  EXPECT_TRUE(has_error(errors, 1, "", "expected a map, found a list"));
}

TEST(ConfigLoader, WrongTypesAreReportedWithWhatWasFound) {
  const std::string yaml =
      "clusters:\n"
      "  - name: main\n"
      "    members: { db1: x }\n"  // map where a list is expected
      "    pool: [1, 2]\n"          // list where a map is expected
      "    retry: { circuit_after: many }\n"
      "    health: fast\n"
      "daemon: { state_dir: [a] }\n";
  auto errors = errors_of(yaml);
  EXPECT_TRUE(has_error(errors, 3, "clusters[0].members", "expected a list, found a map"));
  EXPECT_TRUE(has_error(errors, 4, "clusters[0].pool", "expected a map, found a list"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].retry.circuit_after", "expected an integer, found 'many'"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].health", "expected a map, found 'fast'"));
  EXPECT_TRUE(has_error(errors, 7, "daemon.state_dir", "expected a string, found a list"));
  EXPECT_EQ(errors.size(), 5u) << dump(errors);
}

TEST(ConfigLoader, EmptyValuesAreNotSilentlyDefaults) {
  auto errors = errors_of(kCluster + "daemon:\n  state_dir:\n  log:\n");
  EXPECT_TRUE(has_error(errors, 6, "daemon.state_dir", "found nothing"));
  EXPECT_TRUE(has_error(errors, 7, "daemon.log", "expected a map, found nothing"));
}

TEST(ConfigLoader, ClustersAreRequiredAndNeedMembers) {
  EXPECT_TRUE(has_error(errors_of("daemon: { state_dir: /x }\n"), 1, "clusters", "required key 'clusters'"));
  EXPECT_TRUE(has_error(errors_of("clusters: []\n"), 1, "clusters", "at least one cluster"));
  auto no_members = errors_of("clusters:\n  - name: a\n  - name: b\n    members: []\n");
  EXPECT_TRUE(has_error(no_members, 2, "clusters[0].members", "required key 'members'"));
  EXPECT_TRUE(has_error(no_members, 4, "clusters[1].members", "at least one member"));
}

TEST(ConfigLoader, ClusterNamesAreRequiredValidAndUnique) {
  const std::string yaml =
      "clusters:\n"
      "  - name: main\n"
      "    members: [{ name: db1 }]\n"
      "  - name: main\n"
      "    members: [{ name: db1 }]\n"
      "  - members: [{ name: db1 }]\n"
      "  - name: \"has space\"\n"
      "    members: [{ name: db1 }]\n";
  auto errors = errors_of(yaml);
  EXPECT_TRUE(has_error(errors, 4, "clusters[1].name", "duplicate cluster name 'main' (first defined at line 2)"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[2].name", "required key 'name'"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[3].name", "invalid name"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

TEST(ConfigLoader, CollectsEveryErrorNotJustTheFirst) {
  const std::string yaml =
      "daemon: { log: { level: loud, format: xml } }\n"
      "http: { listen: nowhere }\n"
      "clusters:\n"
      "  - name: main\n"
      "    members: [{ name: db1 }]\n"
      "    pool: { min: 3, max: 2 }\n"
      "    health: { interval: 5, fail_after: 0 }\n";
  auto errors = errors_of(yaml);
  EXPECT_TRUE(has_error(errors, 1, "daemon.log.level", "unknown value 'loud'"));
  EXPECT_TRUE(has_error(errors, 1, "daemon.log.format", "unknown value 'xml': expected one of text, json"));
  EXPECT_TRUE(has_error(errors, 2, "http.listen", "expected host:port"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].pool.min", "greater than pool.max"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.interval", "invalid duration '5'"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.fail_after", "out of range"));
  EXPECT_EQ(errors.size(), 6u) << dump(errors);
}

TEST(ConfigLoader, FlowAndBlockMapsReadTheSame) {
  auto flow = load_config_string(kCluster + "    pool: { min: 0, max: 4, idle_timeout: 1m }\n", kTestFile);
  auto block = load_config_string(kCluster + "    pool:\n      min: 0\n      max: 4\n      idle_timeout: 1m\n",
                                  kTestFile);
  ASSERT_TRUE(flow) << dump(flow.error());
  ASSERT_TRUE(block) << dump(block.error());
  EXPECT_TRUE(flow->config.clusters[0].pool == block->config.clusters[0].pool);
  EXPECT_EQ(flow->config.clusters[0].pool.max, 4);
  EXPECT_EQ(flow->config.clusters[0].pool.idle_timeout, 1min);
}

TEST(ConfigError, ToStringIsFileLineKeyMessage) {
  EXPECT_EQ((ConfigError{"a.yaml", 7, "clusters[0].pool.max", "too big"}).to_string(),
            "a.yaml:7: clusters[0].pool.max: too big");
  EXPECT_EQ((ConfigError{"a.yaml", 0, "", "cannot read"}).to_string(), "a.yaml: cannot read");
}

using ConfigFile = ScratchDir;

TEST_F(ConfigFile, LoadsFromDiskAndNamesTheFileInErrors) {
  const auto path = write("pgvigil.yaml", kCluster + "bogus: 1\n");
  auto outcome = load_config_file(path);
  ASSERT_FALSE(outcome);
  ASSERT_EQ(outcome.error().size(), 1u);
  EXPECT_EQ(outcome.error()[0].file, path);
  EXPECT_EQ(outcome.error()[0].line, 5);
  EXPECT_EQ(outcome.error()[0].to_string().rfind(path + ":5: bogus: unknown key", 0), 0u)
      << outcome.error()[0].to_string();

  write("pgvigil.yaml", kCluster);
  auto good = load_config_file(path);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->config.source, path);
}

TEST_F(ConfigFile, MissingFileIsAnErrorWithoutALine) {
  const auto path = (dir_ / "nope.yaml").string();
  auto outcome = load_config_file(path);
  ASSERT_FALSE(outcome);
  ASSERT_EQ(outcome.error().size(), 1u);
  const ConfigError& error = outcome.error()[0];
  EXPECT_EQ(error.file, path);
  EXPECT_EQ(error.line, 0);
  EXPECT_NE(error.message.find(path), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("No such file"), std::string::npos) << error.message;
}

TEST_F(ConfigFile, DirectoryIsNotAConfigFile) {
  auto outcome = load_config_file(dir_.string());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error()[0].line, 0);
  EXPECT_NE(outcome.error()[0].message.find("is a directory"), std::string::npos) << outcome.error()[0].message;
}

}  // namespace
}  // namespace pgvigil::config
