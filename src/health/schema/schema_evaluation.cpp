#include "health/schema/schema_evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "db/sql_quote.h"
#include "health/schema/schema_sql.h"

namespace pgvigil::health {
namespace {

struct Problem {
  std::string message;
  std::string fix;
  int count = 1;  // problems this one reason stands for (pending migrations: one reason for all)
};

// Problems in the order they were found, grouped by kind for the cap.
class Problems {
 public:
  void add(std::string_view kind, Severity severity, std::string message, std::string fix, int count = 1) {
    auto it = std::ranges::find(groups_, kind, &Group::kind);
    if (it == groups_.end()) it = groups_.insert(groups_.end(), Group{std::string(kind), severity, {}});
    it->problems.push_back(Problem{std::move(message), std::move(fix), count});
  }

  int emit(Evaluation& out) const {
    int total = 0;
    for (const auto& group : groups_) {
      int count = 0;
      for (const auto& problem : group.problems) count += problem.count;
      const std::size_t shown = std::min(group.problems.size(), kMaxSchemaReasonsPerKind);
      for (std::size_t i = 0; i < shown; ++i) {
        std::string message = group.problems[i].message;
        if (i + 1 == shown && shown < group.problems.size()) {
          message += fmt::format(" (and {} more like it)", group.problems.size() - shown);
        }
        out.add(Reason{std::string(kSchemaCheck), group.severity, group.kind, "", std::move(message),
                       static_cast<double>(count)},
                group.problems[i].fix);
      }
      total += count;
    }
    return total;
  }

 private:
  struct Group {
    std::string kind;
    Severity severity;
    std::vector<Problem> problems;
  };
  std::vector<Group> groups_;
};

bool is_table_kind(std::string_view relkind) {
  return relkind == "r" || relkind == "p" || relkind == "v" || relkind == "m" || relkind == "f";
}

bool is_index_kind(std::string_view relkind) { return relkind == "i" || relkind == "I"; }

std::string_view describe_kind(std::string_view relkind) {
  if (relkind == "i" || relkind == "I") return "an index";
  if (relkind == "S") return "a sequence";
  if (relkind == "c") return "a composite type";
  if (relkind == "t") return "a TOAST table";
  return "a table";
}

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string short_checksum(const std::string& checksum) {
  return checksum.size() > 12 ? checksum.substr(0, 12) + "…" : checksum;
}

std::string named(std::int64_t version, const std::string& name) {
  return name.empty() ? std::to_string(version) : fmt::format("{} ({})", version, name);
}

void required_objects(const SchemaObservation& obs, const config::SchemaConfig& config, Severity severity,
                      Problems& out) {
  for (const auto& extension : config.required_extensions) {
    if (std::ranges::find(obs.catalog.extensions, extension) != obs.catalog.extensions.end()) continue;
    out.add("missing_extension", severity,
            fmt::format("extension {} is not installed in the application database; run CREATE EXTENSION {};",
                        extension, db::quote_identifier_if_needed(extension)),
            fmt::format("CREATE EXTENSION {}; in the member's database (some extensions also need "
                        "shared_preload_libraries and a restart)",
                        db::quote_identifier_if_needed(extension)));
  }
  auto relkind_of = [&](const std::string& name) {
    auto it = obs.catalog.relkinds.find(name);
    return it == obs.catalog.relkinds.end() ? std::string() : it->second;
  };
  for (const auto& table : config.required_tables) {
    const std::string kind = relkind_of(table);
    if (is_table_kind(kind)) continue;
    out.add("missing_table", severity,
            kind.empty() ? fmt::format("table {} does not exist; apply the application's migrations", table)
                         : fmt::format("{} is {}, not a table; apply the application's migrations", table,
                                       describe_kind(kind)),
            fmt::format("create {} (apply the migrations that create it) or remove it from schema.required_tables",
                        table));
  }
  for (const auto& index : config.required_indexes) {
    const std::string kind = relkind_of(index);
    if (is_index_kind(kind)) continue;
    out.add("missing_index", severity,
            kind.empty() ? fmt::format("index {} does not exist; create it (CREATE INDEX CONCURRENTLY ...)", index)
                         : fmt::format("{} is {}, not an index; create the index under that name", index,
                                       describe_kind(kind)),
            fmt::format("create index {} (apply the migration that creates it) or remove it from "
                        "schema.required_indexes",
                        index));
  }
}

const HistoryTableFound* find_history(const SchemaObservation& obs, HistoryTool tool) {
  auto it = std::ranges::find(obs.catalog.history, tool, &HistoryTableFound::tool);
  return it == obs.catalog.history.end() ? nullptr : &*it;
}

// A history table that exists but cannot be read: nothing it says is known.
void unreadable(const HistoryTableFound& found, Problems& out) {
  const std::string why = found.readable ? "lacks the columns " + std::string(to_string(found.tool)) + " writes"
                                         : "is not readable by the monitoring role";
  out.add("history_table_unreadable", Severity::warning,
          fmt::format("migration history table {} {}; its migrations cannot be checked", found.table, why),
          found.readable ? fmt::format("point schema.history_table at pgvigil migrate's table (version, checksum, "
                                       "status), or drop the unrelated {}",
                                       found.table)
                         : fmt::format("GRANT SELECT ON {} TO the monitoring role", found.table));
}

void pgvigil_history(const SchemaObservation& obs, const config::SchemaConfig& config, Severity severity,
                     Problems& out) {
  const HistoryTableFound* found = find_history(obs, HistoryTool::pgvigil);
  const bool expected = !config.migrations_dir.empty() || config.history_table_set;
  if (!found) {
    if (expected) {
      out.add("history_table_missing", severity,
              fmt::format("migration history table {} does not exist: no migration was applied with pgvigil "
                          "migrate in this database",
                          config.history_table),
              "apply the migrations with pgvigil migrate, or set schema.history_table to the table it writes");
    }
    return;
  }
  if (!is_readable_history(*found) || !obs.history.pgvigil) return unreadable(*found, out);

  std::map<std::int64_t, const MigrationFileSum*> files;
  if (obs.files) {
    for (const auto& file : *obs.files) files.emplace(file.version, &file);
  }
  std::map<std::int64_t, bool> in_history;
  for (const auto& row : *obs.history.pgvigil) {
    in_history[row.version] = true;
    if (row.status == "failed") {
      out.add("migration_failed", severity,
              fmt::format("migration {} failed{}; fix it and apply it again with pgvigil migrate",
                          named(row.version, row.name), row.error.empty() ? "" : ": " + row.error),
              "fix the failed migration and apply it again with pgvigil migrate");
      continue;
    }
    if (!obs.files) continue;
    auto file = files.find(row.version);
    if (file == files.end()) {
      out.add("migration_file_missing", severity,
              fmt::format("migration {} is applied but has no file in {}", named(row.version, row.name),
                          config.migrations_dir),
              fmt::format("restore the applied migration files in {} (or point schema.migrations_dir at the "
                          "directory the database was migrated from)",
                          config.migrations_dir));
    } else if (lower(row.checksum) != lower(file->second->checksum)) {
      out.add("checksum_mismatch", severity,
              fmt::format("migration {} was applied with checksum {} but {} now has {}; applied migrations must "
                          "not be edited",
                          named(row.version, row.name), short_checksum(row.checksum),
                          file->second->name.empty() ? std::to_string(row.version) : file->second->name,
                          short_checksum(file->second->checksum)),
              "restore the applied migration files as they were applied and put changes in a new migration");
    }
  }
  if (!obs.files) return;
  std::vector<std::string> pending;
  for (const auto& file : *obs.files) {
    if (!in_history.contains(file.version)) pending.push_back(named(file.version, file.name));
  }
  if (pending.empty()) return;
  const std::size_t listed = std::min<std::size_t>(pending.size(), 5);
  out.add("migrations_pending", Severity::warning,
          fmt::format("{} migration{} in {} {} not applied: {}{}", pending.size(), pending.size() == 1 ? "" : "s",
                      config.migrations_dir, pending.size() == 1 ? "is" : "are",
                      fmt::join(std::vector<std::string>(pending.begin(), pending.begin() + static_cast<long>(listed)),
                                ", "),
                      pending.size() > listed ? ", ..." : ""),
          "apply the pending migrations with pgvigil migrate", static_cast<int>(pending.size()));
}

void other_tools(const SchemaObservation& obs, Severity severity, Problems& out) {
  for (const auto& found : obs.catalog.history) {
    // Without the privilege nothing is known; a table of another tool's name without that tool's
    // columns is someone else's (Rails' schema_migrations has no `dirty`) and is left alone.
    if (found.tool != HistoryTool::pgvigil && !found.readable) unreadable(found, out);
  }
  const auto table_of = [&](HistoryTool tool) {
    const HistoryTableFound* found = find_history(obs, tool);
    return found ? found->table : std::string(to_string(tool));
  };
  for (const auto& row : obs.history.prisma) {
    if (row.rolled_back) {
      out.add("prisma_migration_rolled_back", severity,
              fmt::format("Prisma migration {} is marked rolled back in {} and was not applied again", row.name,
                          table_of(HistoryTool::prisma)),
              "fix the migration and apply it again with prisma migrate deploy");
    } else if (!row.logs.empty()) {
      out.add("prisma_migration_unfinished", severity,
              fmt::format("Prisma migration {} failed (started {}): {}", row.name, row.started_at, row.logs),
              "fix the database, then prisma migrate resolve --rolled-back (or --applied) and deploy again");
    } else {
      out.add("prisma_migration_unfinished", severity,
              fmt::format("Prisma migration {} started {} and never finished (still running, or its process died)",
                          row.name, row.started_at),
              "if no deploy is running: prisma migrate resolve --rolled-back (or --applied) and deploy again");
    }
  }
  for (const auto& row : obs.history.flyway) {
    out.add("flyway_migration_failed", severity,
            fmt::format("Flyway migration {}{} ({}) failed, recorded in {}",
                        row.version.empty() ? "" : row.version + " ", row.description, row.script,
                        table_of(HistoryTool::flyway)),
            "fix the database, then flyway repair and flyway migrate");
  }
  for (const auto& version : obs.history.golang_migrate_dirty) {
    out.add("golang_migrate_dirty", severity,
            fmt::format("golang-migrate left version {} dirty in {}: a migration failed halfway", version,
                        table_of(HistoryTool::golang_migrate)),
            "fix the database by hand, then migrate force <last good version> and migrate up");
  }
}

}  // namespace

int evaluate_schema(const SchemaObservation& obs, const config::SchemaConfig& config, Evaluation& out) {
  const Severity severity =
      config.severity == config::SchemaSeverity::critical ? Severity::critical : Severity::warning;
  Problems problems;
  if (!obs.query_error.empty()) {
    problems.add("query_failed", Severity::warning,
                 "the schema check could not read the catalogs: " + obs.query_error,
                 "the monitoring role needs to read pg_catalog and the history tables; see the server message");
    return problems.emit(out);
  }
  required_objects(obs, config, severity, problems);
  if (!obs.files_error.empty()) {
    problems.add("migrations_dir_unreadable", Severity::warning,
                 "the migrations directory cannot be read: " + obs.files_error,
                 "make schema.migrations_dir readable by pgvigil and fix the file names it reports");
  }
  pgvigil_history(obs, config, severity, problems);
  if (config.other_tools) other_tools(obs, severity, problems);
  return problems.emit(out);
}

}  // namespace pgvigil::health
