// The database subcommands of `pgvigil migrate` over an open session: status and verify read
// the history (and never create it); up and down take the advisory lock, create the history
// table if needed, plan (plan.h) and run (runner.h). Each prints progress to `out`, problems to
// `err`, and returns the exit code (exit_codes.h).
#pragma once

#include <ostream>
#include <vector>

#include "db/connection.h"
#include "migrate/migration_files.h"
#include "migrate/options.h"
#include "migrate/table_name.h"

namespace pgvigil::migrate {

struct CommandContext {
  db::Connection& conn;
  TableName table;  // schema-qualified
  const std::vector<MigrationFile>& files;
  const MigrateOptions& options;
  std::ostream& out;
  std::ostream& err;
};

int command_status(const CommandContext& context);
int command_verify(const CommandContext& context);
int command_up(const CommandContext& context);
int command_down(const CommandContext& context);

}  // namespace pgvigil::migrate
