// `pgvigil migrate`'s command line: options before or after the subcommand, the options each
// subcommand accepts, and the mistakes that must be usage errors rather than guesses.
#include "migrate/options.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace pgvigil::migrate {
namespace {

using namespace std::chrono_literals;

std::expected<MigrateOptions, std::string> parse(std::vector<std::string_view> args) {
  return parse_migrate_options(args);
}

TEST(MigrateOptions, OptionsMayStandBeforeOrAfterTheSubcommand) {
  const auto before = parse({"--dsn", "host=h dbname=d", "--dir", "m", "up"});
  const auto after = parse({"up", "--dsn", "host=h dbname=d", "--dir", "m"});
  const auto mixed = parse({"--dir=m", "up", "--dsn=host=h dbname=d"});
  for (const auto* parsed : {&before, &after, &mixed}) {
    ASSERT_TRUE(parsed->has_value()) << parsed->error();
    EXPECT_EQ((*parsed)->subcommand, Subcommand::up);
    EXPECT_EQ((*parsed)->dsn, "host=h dbname=d");
    EXPECT_EQ((*parsed)->dir, "m");
    EXPECT_EQ((*parsed)->table, "pgvigil_schema_migrations");
    EXPECT_EQ((*parsed)->lock_wait, 60s);
    EXPECT_EQ((*parsed)->lock_timeout, 10s);
    EXPECT_FALSE((*parsed)->force);
    EXPECT_EQ((*parsed)->to, std::nullopt);
  }
}

TEST(MigrateOptions, ReadsEverySubcommandAndItsOwnOptions) {
  auto up = parse({"up", "--to", "7", "--force", "--dsn", "d", "--dir", "m", "--table", "ops.history",
                   "--lock-wait", "2m", "--lock-timeout", "0s"});
  ASSERT_TRUE(up) << up.error();
  EXPECT_EQ(up->to, 7);
  EXPECT_TRUE(up->force);
  EXPECT_EQ(up->table, "ops.history");
  EXPECT_EQ(up->lock_wait, 2min);
  EXPECT_EQ(up->lock_timeout, 0s);

  auto down = parse({"down", "--steps=3", "--config", "p.yaml", "--cluster", "main", "--dir", "m"});
  ASSERT_TRUE(down) << down.error();
  EXPECT_EQ(down->subcommand, Subcommand::down);
  EXPECT_EQ(down->steps, 3);
  EXPECT_EQ(down->config_path, "p.yaml");
  EXPECT_EQ(down->cluster, "main");
  EXPECT_EQ(parse({"down", "--dsn", "d", "--dir", "m"})->steps, 1);

  EXPECT_EQ(parse({"status", "--dsn", "d", "--dir", "m"})->subcommand, Subcommand::status);
  EXPECT_EQ(parse({"verify", "--config", "p.yaml", "--dir", "m"})->subcommand, Subcommand::verify);

  auto create = parse({"--dir", "m", "create", "add_users"});
  ASSERT_TRUE(create) << create.error();
  EXPECT_EQ(create->subcommand, Subcommand::create);
  EXPECT_EQ(create->create_name, "add_users");
  EXPECT_FALSE(create->needs_database());
}

TEST(MigrateOptions, HelpWinsOverEverythingElse) {
  EXPECT_EQ(parse({"--help"})->subcommand, Subcommand::help);
  EXPECT_EQ(parse({"up", "-h"})->subcommand, Subcommand::help);
  EXPECT_EQ(parse({"--bogus", "--help"}).error(), "unknown option: --bogus");
  EXPECT_NE(migrate_usage().find("create NAME"), std::string::npos);
}

TEST(MigrateOptions, RefusesWhatItCannotMakeSenseOf) {
  const std::vector<std::pair<std::vector<std::string_view>, std::string>> cases{
      {{}, "a subcommand is required: status, up, down, create or verify"},
      {{"--dsn", "d", "--dir", "m"}, "a subcommand is required: status, up, down, create or verify"},
      {{"upp", "--dsn", "d", "--dir", "m"}, "unknown subcommand: upp"},
      {{"up", "--dsn", "d"}, "--dir DIR is required"},
      {{"up", "--dir", "m"}, "--dsn CONNINFO or --config FILE is required"},
      {{"up", "--dir", "m", "--dsn", "d", "--config", "p"}, "--dsn and --config exclude each other"},
      {{"up", "--dir", "m", "--dsn", "d", "--cluster", "c"}, "--cluster needs --config"},
      {{"up", "--dir", "m", "--dsn"}, "--dsn needs a value"},
      {{"up", "--dir=", "--dsn", "d"}, "--dir needs a value"},
      {{"up", "--dir", "m", "--dsn", "d", "--steps", "2"}, "--steps applies to down only"},
      {{"down", "--dir", "m", "--dsn", "d", "--to", "2"}, "--to applies to up only"},
      {{"status", "--dir", "m", "--dsn", "d", "--force"}, "--force applies to up and down only"},
      {{"down", "--dir", "m", "--dsn", "d", "--steps", "0"}, "--steps: not a positive number: 0"},
      {{"down", "--dir", "m", "--dsn", "d", "--steps", "x"}, "--steps: not a positive number: x"},
      {{"up", "--dir", "m", "--dsn", "d", "--to", "-1"}, "--to: not a version number: -1"},
      {{"up", "--dir", "m", "--dsn", "d", "--lock-wait", "60"}, "--lock-wait: not a duration: 60 (e.g. 30s, 2m)"},
      {{"up", "--dir", "m", "--dsn", "d", "--lock-timeout", "soon"}, "--lock-timeout: not a duration: soon (e.g. 5s, 1m)"},
      {{"up", "--dir", "m", "--dsn", "d", "--force=yes"}, "--force takes no value"},
      {{"up", "extra", "--dir", "m", "--dsn", "d"}, "unexpected argument: extra"},
      {{"create", "--dir", "m"}, "create needs exactly one NAME"},
      {{"create", "a", "b", "--dir", "m"}, "create needs exactly one NAME"},
      {{"create", "add users", "--dir", "m"}, "create: NAME may hold letters, digits, _ and - only: add users"},
      {{"create", "x", "--dsn", "d"}, "--dir DIR is required"},
      {{"up", "--dir", "m", "--dsn", "d", "--verbose"}, "unknown option: --verbose"},
  };
  for (const auto& [args, message] : cases) {
    const auto parsed = parse(args);
    ASSERT_FALSE(parsed.has_value()) << message;
    EXPECT_EQ(parsed.error(), message);
  }
}

}  // namespace
}  // namespace pgvigil::migrate
