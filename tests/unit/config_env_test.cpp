// ${VAR} interpolation as the loader applies it to config values.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/env_interpolation.h"
#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

TEST(ConfigEnv, VariablesAreInterpolatedInValues) {
  ::setenv("PGVIGIL_TEST_HOST", "10.1.2.3", 1);
  ::setenv("PGVIGIL_TEST_INTERVAL", "7s", 1);
  const std::string yaml =
      "daemon: { state_dir: \"/srv/$${PGVIGIL_TEST_HOST}/cost$$5\" }\n"
      "clusters:\n"
      "  - name: main\n"
      "    members:\n"
      "      - name: db1\n"
      "        host: ${PGVIGIL_TEST_HOST}\n"
      "    health:\n"
      "      interval: ${PGVIGIL_TEST_INTERVAL}\n"
      "    queries: { cancel: { exclude: { queries: ['^VACUUM$'] } } }\n";
  auto loaded = load_config_string(yaml, kTestFile);
  ::unsetenv("PGVIGIL_TEST_HOST");
  ::unsetenv("PGVIGIL_TEST_INTERVAL");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_EQ(loaded->config.daemon.state_dir, "/srv/${PGVIGIL_TEST_HOST}/cost$5") << "$$ is a literal $";
  const auto& member = loaded->config.clusters[0].members[0];
  ASSERT_EQ(member.params.size(), 1u);
  EXPECT_EQ(member.params[0], (std::pair<std::string, std::string>{"host", "10.1.2.3"}));
  EXPECT_EQ(loaded->config.clusters[0].health.interval, 7s);
  EXPECT_EQ(loaded->config.clusters[0].queries.cancel.exclude.queries[0], "^VACUUM$") << "a lone $ stays";
}

TEST(ConfigEnv, UnsetVariableIsAnErrorNamingIt) {
  ::unsetenv("PGVIGIL_TEST_NOT_SET");
  const std::string yaml = kCluster +
                           "    health:\n"
                           "      interval: ${PGVIGIL_TEST_NOT_SET}\n"
                           "daemon: { state_dir: \"/x/${unterminated\" }\n"
                           "http: { external_url: \"${1BAD}\" }\n";
  auto errors = errors_of(yaml);
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].health.interval",
                        "environment variable PGVIGIL_TEST_NOT_SET is not set"));
  EXPECT_TRUE(has_error(errors, 7, "daemon.state_dir", "unterminated ${"));
  EXPECT_TRUE(has_error(errors, 8, "http.external_url", "invalid environment variable name"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

TEST(ConfigEnv, SetButEmptyVariableIsUsed) {
  ::setenv("PGVIGIL_TEST_EMPTY", "", 1);
  auto loaded = load_config_string(kCluster + "http: { external_url: \"${PGVIGIL_TEST_EMPTY}\" }\n", kTestFile);
  ::unsetenv("PGVIGIL_TEST_EMPTY");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_EQ(loaded->config.http.external_url, "");
}

TEST(InterpolateEnv, UsesTheGivenLookup) {
  const EnvLookup lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "A") return "1";
    if (name == "EMPTY") return "";
    return std::nullopt;
  };
  EXPECT_EQ(interpolate_env("x${A}y${EMPTY}z", lookup), "x1yz");
  EXPECT_EQ(interpolate_env("$$A $A $ ${A}$", lookup), "$A $A $ 1$");
  EXPECT_EQ(interpolate_env("no references", lookup), "no references");
  EXPECT_EQ(interpolate_env("${B}", lookup).error(), "environment variable B is not set");
  EXPECT_FALSE(interpolate_env("${}", lookup));
  EXPECT_FALSE(interpolate_env("${A-B}", lookup));
  EXPECT_FALSE(interpolate_env("${A", lookup));
}

}  // namespace
}  // namespace pgvigil::config
