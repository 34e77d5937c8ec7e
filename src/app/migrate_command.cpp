#include "app/migrate_command.h"

#include <fmt/format.h>

#include <iostream>

#include "migrate/commands.h"
#include "migrate/connect_target.h"
#include "migrate/create_files.h"
#include "migrate/exit_codes.h"
#include "migrate/history_table.h"
#include "migrate/migration_files.h"
#include "migrate/options.h"
#include "migrate/table_name.h"

namespace pgvigil::app {
namespace {

using namespace pgvigil::migrate;

int fail(const CommandError& error) {
  std::cerr << "pgvigil migrate: " << error.message << '\n';
  return error.exit_code;
}

int create(const MigrateOptions& options) {
  auto created = create_migration(options.dir, options.create_name);
  if (!created) return fail({kExitBadFiles, created.error()});
  std::cout << "created " << created->up.string() << '\n' << "created " << created->down.string() << '\n';
  return kExitOk;
}

std::expected<Target, CommandError> connect(const MigrateOptions& options) {
  if (options.dsn) return connect_dsn(*options.dsn, options.lock_timeout);
  return connect_cluster_primary(*options.config_path, options.cluster, options.lock_timeout,
                                 [](const std::string& note) { std::cerr << "skipped " << note << '\n'; });
}

int run_database_command(const MigrateOptions& options, TableName table) {
  // Read before connecting: a directory that cannot be used is found without touching the database.
  auto files = read_migration_dir(options.dir);
  if (!files) return fail({kExitBadFiles, files.error()});
  auto target = connect(options);
  if (!target) return fail(target.error());
  auto qualified = qualify_table_name(target->connection, std::move(table));
  if (!qualified) return fail({kExitFailed, fmt::format("--table: {}", qualified.error().to_string())});
  const CommandContext context{target->connection, std::move(*qualified), *files, options, std::cout, std::cerr};
  switch (options.subcommand) {
    case Subcommand::status: return command_status(context);
    case Subcommand::verify: return command_verify(context);
    case Subcommand::up: return command_up(context);
    case Subcommand::down: return command_down(context);
    case Subcommand::create:
    case Subcommand::help: break;
  }
  return kExitUsage;
}

}  // namespace

int run_migrate(std::span<const std::string_view> args) {
  auto options = parse_migrate_options(args);
  if (!options) {
    std::cerr << "pgvigil migrate: " << options.error() << "\n\n" << migrate_usage();
    return kExitUsage;
  }
  if (options->subcommand == Subcommand::help) {
    std::cout << migrate_usage();
    return kExitOk;
  }
  auto table = parse_table_name(options->table);
  if (!table) return fail({kExitUsage, table.error()});
  if (options->subcommand == Subcommand::create) return create(*options);
  return run_database_command(*options, std::move(*table));
}

}  // namespace pgvigil::app
