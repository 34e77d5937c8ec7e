// The command line of `pgvigil migrate`: options may stand before or after the subcommand, as
// in `pgvigil migrate --dsn D --dir M up` and `pgvigil migrate up --dsn D --dir M`. Pure parsing;
// what cannot be checked without the config file or the directory is left to the command.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/duration.h"

namespace pgvigil::migrate {

enum class Subcommand { help, status, up, down, create, verify };

inline constexpr std::string_view kDefaultHistoryTable = "pgvigil_schema_migrations";

struct MigrateOptions {
  Subcommand subcommand = Subcommand::help;
  std::optional<std::string> config_path;  // with cluster: connect to that cluster's primary
  std::optional<std::string> cluster;      // may be left out when the config has one cluster
  std::optional<std::string> dsn;          // libpq conninfo or URI
  std::string dir;
  std::string table = std::string(kDefaultHistoryTable);
  config::Duration lock_wait = std::chrono::seconds(60);
  // lock_timeout of the migration session: a DDL statement queued behind a long transaction blocks
  // every later query on its table, so it gives up (the migration fails, to be retried) rather
  // than wait. 0 waits as long as it takes.
  config::Duration lock_timeout = std::chrono::seconds(10);
  bool force = false;
  std::optional<std::int64_t> to;  // up
  int steps = 1;                   // down
  std::string create_name;         // create

  // Whether the subcommand talks to a database (create only writes files).
  bool needs_database() const { return subcommand != Subcommand::create && subcommand != Subcommand::help; }
};

// `args` are the words after "migrate". Errors are one line, for "pgvigil migrate: <error>".
std::expected<MigrateOptions, std::string> parse_migrate_options(std::span<const std::string_view> args);

std::string migrate_usage();

}  // namespace pgvigil::migrate
