#include "health/schema/schema_sql.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "db/sql_quote.h"
#include "health/checks/json_read.h"

namespace pgvigil::health {
namespace {

using namespace std::string_view_literals;

constexpr std::array kPgvigilColumns = {"version"sv, "checksum"sv};
constexpr std::array kPrismaColumns = {"migration_name"sv, "started_at"sv, "finished_at"sv, "rolled_back_at"sv,
                                       "logs"sv};
constexpr std::array kFlywayColumns = {"installed_rank"sv, "version"sv, "description"sv, "script"sv, "success"sv};
constexpr std::array kGolangMigrateColumns = {"version"sv, "dirty"sv};
constexpr std::array kAlembicColumns = {"version_num"sv};

// Each tool's default location: the schema its connection starts in, public unless changed.
const std::array kOtherTools = {
    HistoryTableSpec{HistoryTool::prisma, "public._prisma_migrations", kPrismaColumns},
    HistoryTableSpec{HistoryTool::flyway, "public.flyway_schema_history", kFlywayColumns},
    HistoryTableSpec{HistoryTool::golang_migrate, "public.schema_migrations", kGolangMigrateColumns},
    HistoryTableSpec{HistoryTool::alembic, "public.alembic_version", kAlembicColumns},
};

std::span<const std::string_view> columns_of(HistoryTool tool) {
  if (tool == HistoryTool::pgvigil) return kPgvigilColumns;
  for (const auto& spec : kOtherTools) {
    if (spec.tool == tool) return spec.columns;
  }
  return {};
}

bool has_column(const HistoryTableFound& found, std::string_view column) {
  return std::ranges::find(found.columns, column) != found.columns.end();
}

std::string text_array(const std::vector<std::string>& values) {
  std::vector<std::string> literals;
  for (const auto& value : values) literals.push_back(db::quote_literal(value));
  return fmt::format("ARRAY[{}]::text[]", fmt::join(literals, ", "));
}

std::optional<HistoryTool> tool_named(std::string_view name) {
  for (auto tool : {HistoryTool::pgvigil, HistoryTool::prisma, HistoryTool::flyway, HistoryTool::golang_migrate,
                    HistoryTool::alembic}) {
    if (to_string(tool) == name) return tool;
  }
  return std::nullopt;
}

std::vector<std::string> strings_of(const nlohmann::json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// A history table in FROM: quoted, so that a name that is a reserved word (`user.migrations`)
// still parses; folded first, as to_regclass() folded it when the catalog statement found it.
std::string from_name(const HistoryTableFound& found) { return db::quote_unquoted_name(found.table); }

// pgvigil's table: version and checksum always, the rest when the table has them.
std::string pgvigil_rows_sql(const HistoryTableFound& found) {
  auto optional_column = [&](std::string_view column) {
    return has_column(found, column) ? fmt::format("h.{}::text", column) : std::string("NULL::text");
  };
  return fmt::format(
      "(SELECT coalesce(json_agg(json_build_object('version', h.version::text, 'name', {}, 'checksum', "
      "h.checksum::text, 'status', {}, 'error', left({}, 300)) ORDER BY h.version), '[]'::json) FROM {} h)",
      optional_column("name"), optional_column("status"), optional_column("error"), from_name(found));
}

// Unfinished rows (running, or failed: Prisma leaves finished_at NULL and writes `logs`), and
// rolled-back rows whose migration was not applied again since.
std::string prisma_rows_sql(const HistoryTableFound& found) {
  return fmt::format(
      "(SELECT coalesce(json_agg(json_build_object('name', m.migration_name, 'started_at', m.started_at, 'logs', "
      "left(m.logs, 300), 'rolled_back', m.rolled_back_at IS NOT NULL) ORDER BY m.started_at), '[]'::json) "
      "FROM {0} m WHERE (m.finished_at IS NULL AND m.rolled_back_at IS NULL) OR (m.rolled_back_at IS NOT NULL AND "
      "NOT EXISTS (SELECT 1 FROM {0} d WHERE d.migration_name = m.migration_name AND d.finished_at IS NOT NULL AND "
      "d.rolled_back_at IS NULL)))",
      from_name(found));
}

std::string flyway_rows_sql(const HistoryTableFound& found) {
  return fmt::format(
      "(SELECT coalesce(json_agg(json_build_object('version', f.version, 'description', f.description, 'script', "
      "f.script) ORDER BY f.installed_rank), '[]'::json) FROM {} f WHERE NOT f.success)",
      from_name(found));
}

std::string golang_migrate_rows_sql(const HistoryTableFound& found) {
  return fmt::format("(SELECT coalesce(json_agg(g.version::text), '[]'::json) FROM {} g WHERE g.dirty)", from_name(found));
}

std::string alembic_rows_sql(const HistoryTableFound& found) {
  return fmt::format("(SELECT coalesce(json_agg(a.version_num::text ORDER BY a.version_num), '[]'::json) FROM {} a)",
                     from_name(found));
}

std::string rows_sql(const HistoryTableFound& found) {
  switch (found.tool) {
    case HistoryTool::pgvigil: return pgvigil_rows_sql(found);
    case HistoryTool::prisma: return prisma_rows_sql(found);
    case HistoryTool::flyway: return flyway_rows_sql(found);
    case HistoryTool::golang_migrate: return golang_migrate_rows_sql(found);
    case HistoryTool::alembic: return alembic_rows_sql(found);
  }
  return "NULL";
}

std::optional<std::int64_t> parse_version(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view to_string(HistoryTool tool) {
  switch (tool) {
    case HistoryTool::pgvigil: return "pgvigil";
    case HistoryTool::prisma: return "prisma";
    case HistoryTool::flyway: return "flyway";
    case HistoryTool::golang_migrate: return "golang_migrate";
    case HistoryTool::alembic: return "alembic";
  }
  return "pgvigil";
}

std::span<const HistoryTableSpec> other_tool_tables() { return kOtherTools; }

bool is_readable_history(const HistoryTableFound& found) {
  return found.readable &&
         std::ranges::all_of(columns_of(found.tool),
                             [&](std::string_view column) { return has_column(found, column); });
}

std::string schema_catalog_sql(const config::SchemaConfig& config) {
  std::vector<std::string> relations = config.required_tables;
  relations.insert(relations.end(), config.required_indexes.begin(), config.required_indexes.end());
  std::vector<std::string> history;
  auto look_for = [&](HistoryTool tool, std::string_view table) {
    history.push_back(
        fmt::format("({}, {}, {})", history.size() + 1, db::quote_literal(to_string(tool)), db::quote_literal(table)));
  };
  look_for(HistoryTool::pgvigil, config.history_table);
  if (config.other_tools) {
    for (const auto& spec : kOtherTools) look_for(spec.tool, spec.table);
  }
  return fmt::format(
      "SELECT json_build_object(\n"
      "  'extensions', ARRAY(SELECT e.extname::text FROM pg_catalog.pg_extension e WHERE e.extname::text = ANY ({})),\n"
      "  'relations', (SELECT coalesce(json_object_agg(r.name, coalesce(c.relkind::text, '')), '{{}}'::json)\n"
      "                FROM unnest({}) AS r(name)\n"
      "                LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(r.name)),\n"
      "  'history', (SELECT coalesce(json_agg(json_build_object('tool', h.tool, 'table', h.name,\n"
      "                'readable', pg_catalog.has_table_privilege(c.oid, 'SELECT'),\n"
      "                'columns', ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a\n"
      "                                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped\n"
      "                                 ORDER BY a.attnum)) ORDER BY h.ord), '[]'::json)\n"
      "              FROM (VALUES {}) AS h(ord, tool, name)\n"
      "              JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(h.name)\n"
      "              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f'))\n"
      ") AS catalog",
      text_array(config.required_extensions), text_array(relations), fmt::join(history, ", "));
}

SchemaCatalog parse_schema_catalog(const nlohmann::json& value) {
  SchemaCatalog out;
  if (!value.is_object()) return out;
  out.extensions = strings_of(value.value("extensions", nlohmann::json()));
  if (auto it = value.find("relations"); it != value.end() && it->is_object()) {
    for (const auto& [name, kind] : it->items()) out.relkinds[name] = kind.is_string() ? kind.get<std::string>() : "";
  }
  if (auto it = value.find("history"); it != value.end() && it->is_array()) {
    for (const auto& item : *it) {
      const auto tool = tool_named(string_at(item, "tool"));
      if (!tool) continue;
      out.history.push_back(HistoryTableFound{*tool, string_at(item, "table"), bool_at(item, "readable", true),
                                              strings_of(item.value("columns", nlohmann::json()))});
    }
  }
  return out;
}

std::string schema_history_sql(const SchemaCatalog& catalog) {
  std::vector<std::string> fields;
  for (const auto& found : catalog.history) {
    if (!is_readable_history(found)) continue;
    fields.push_back(fmt::format("{}, {}", db::quote_literal(to_string(found.tool)), rows_sql(found)));
  }
  if (fields.empty()) return {};
  return fmt::format("SELECT json_build_object(\n  {}\n) AS history", fmt::join(fields, ",\n  "));
}

SchemaHistory parse_schema_history(const nlohmann::json& value) {
  SchemaHistory out;
  if (!value.is_object()) return out;
  if (auto it = value.find("pgvigil"); it != value.end() && it->is_array()) {
    auto& rows = out.pgvigil.emplace();
    for (const auto& item : *it) {
      const auto version = parse_version(string_at(item, "version"));
      if (!version) continue;  // not pgvigil's numbering: nothing to compare with files
      rows.push_back(AppliedMigration{*version, string_at(item, "name"), string_at(item, "checksum"),
                                      string_at(item, "status"), string_at(item, "error")});
    }
  }
  if (auto it = value.find("prisma"); it != value.end() && it->is_array()) {
    for (const auto& item : *it) {
      out.prisma.push_back(PrismaProblem{string_at(item, "name"), string_at(item, "started_at"),
                                         string_at(item, "logs"), bool_at(item, "rolled_back")});
    }
  }
  if (auto it = value.find("flyway"); it != value.end() && it->is_array()) {
    for (const auto& item : *it) {
      out.flyway.push_back(
          FlywayFailure{string_at(item, "version"), string_at(item, "description"), string_at(item, "script")});
    }
  }
  out.golang_migrate_dirty = strings_of(value.value("golang_migrate", nlohmann::json()));
  out.alembic_versions = strings_of(value.value("alembic", nlohmann::json()));
  return out;
}

}  // namespace pgvigil::health
