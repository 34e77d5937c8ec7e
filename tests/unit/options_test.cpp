#include "app/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace pgvigil::app {
namespace {

std::expected<Options, std::string> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pgvigil");
  return parse_options(args);
}

TEST(Options, RunWithConfig) {
  auto o = parse({"--config", "/etc/pgvigil/pgvigil.yaml"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->command, Command::run);
  EXPECT_EQ(o->config_path, "/etc/pgvigil/pgvigil.yaml");
  EXPECT_FALSE(o->log_level);
}

TEST(Options, CheckConfigTakesTheFileEitherWay) {
  auto direct = parse({"--check-config", "a.yaml"});
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->command, Command::check_config);
  EXPECT_EQ(direct->config_path, "a.yaml");

  auto combined = parse({"--config", "b.yaml", "--check-config"});
  ASSERT_TRUE(combined);
  EXPECT_EQ(combined->command, Command::check_config);
  EXPECT_EQ(combined->config_path, "b.yaml");

  auto equals = parse({"--check-config=c.yaml"});
  ASSERT_TRUE(equals);
  EXPECT_EQ(equals->config_path, "c.yaml");
}

TEST(Options, LogLevelAndEqualsForms) {
  auto o = parse({"--config=x.yaml", "--log-level=debug"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config_path, "x.yaml");
  EXPECT_EQ(o->log_level, "debug");
}

TEST(Options, VersionAndHelpNeedNoConfig) {
  EXPECT_EQ(parse({"--version"})->command, Command::version);
  EXPECT_EQ(parse({"--help"})->command, Command::help);
}

TEST(Options, ErrorsNameTheProblem) {
  EXPECT_EQ(parse({}).error(), "--config FILE is required");
  EXPECT_EQ(parse({"--config"}).error(), "--config needs a value");
  EXPECT_EQ(parse({"--config", "x", "--frobnicate"}).error(), "unknown argument: --frobnicate");
  EXPECT_EQ(parse({"--check-config"}).error(), "--config FILE is required");
}

}  // namespace
}  // namespace pgvigil::app
