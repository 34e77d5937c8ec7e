// What one run of the schema check learned about the application database: which required
// objects exist, which migration history tables there are, what they say, and the migration
// files beside them. Plain values; one per run, kept by the member's monitor until the next.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgvigil::health {

// The tools whose history tables the check recognises. `pgvigil` is pgvigil migrate's own.
enum class HistoryTool { pgvigil, prisma, flyway, golang_migrate, alembic };
std::string_view to_string(HistoryTool tool);

struct HistoryTableFound {
  HistoryTool tool = HistoryTool::pgvigil;
  std::string table;     // schema-qualified, as looked for
  bool readable = true;  // the monitoring role may SELECT from it
  std::vector<std::string> columns;
};

// The first statement: the catalogs.
struct SchemaCatalog {
  std::vector<std::string> extensions;         // installed, among the required ones
  std::map<std::string, std::string> relkinds;  // required relation → pg_class.relkind, "" when absent
  std::vector<HistoryTableFound> history;      // the history tables that exist
};

// A row of pgvigil migrate's history table.
struct AppliedMigration {
  std::int64_t version = 0;
  std::string name;
  std::string checksum;
  std::string status;  // "applied" | "failed"; empty when the table has no status column
  std::string error;
};

struct PrismaProblem {
  std::string name;        // migration_name
  std::string started_at;
  std::string logs;        // set when Prisma recorded why it failed
  bool rolled_back = false;
};

struct FlywayFailure {
  std::string version;  // empty for repeatable migrations
  std::string description;
  std::string script;
};

// The second statement: what the readable history tables say. Each part is read only when its
// table exists and is readable.
struct SchemaHistory {
  std::optional<std::vector<AppliedMigration>> pgvigil;
  std::vector<PrismaProblem> prisma;            // unfinished, or rolled back and never re-applied
  std::vector<FlywayFailure> flyway;            // success = false
  std::vector<std::string> golang_migrate_dirty;  // versions marked dirty
  std::vector<std::string> alembic_versions;    // the current heads; information only
};

// A migration file reduced to what is compared with the history table.
struct MigrationFileSum {
  std::int64_t version = 0;
  std::string name;
  std::string checksum;
};

struct SchemaObservation {
  std::string query_error;  // the statements failed; nothing else was learned
  SchemaCatalog catalog;
  SchemaHistory history;
  std::optional<std::vector<MigrationFileSum>> files;  // migrations_dir, when set and read
  std::string files_error;                             // why migrations_dir could not be read
};

}  // namespace pgvigil::health
