#include "cluster/schema_runner.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "health/schema/schema_sql.h"
#include "migrate/migration_files.h"

namespace pgvigil::cluster {
namespace {

// The one json column of a schema statement; null when it is absent or not json.
nlohmann::json json_column(const db::Result& result, std::string_view column) {
  if (result.rows() < 1 || result.column(column) < 0) return nullptr;
  const auto text = result.get(0, column);
  if (!text) return nullptr;
  auto value = nlohmann::json::parse(*text, nullptr, false);
  return value.is_discarded() ? nlohmann::json() : value;
}

// Without this an answer that cannot be read would read as "every required object is missing".
db::Error unreadable_answer(std::string_view column) {
  return db::Error{db::ErrorKind::query, "", fmt::format("schema check: the {} column is not JSON", column), false, ""};
}

}  // namespace

std::expected<health::SchemaObservation, db::Error> read_schema(db::Connection& connection,
                                                                const std::string& catalog_sql, db::Millis timeout) {
  health::SchemaObservation obs;
  auto catalog = connection.query_prepared(catalog_sql, timeout);
  if (!catalog) return std::unexpected(catalog.error());
  const auto catalog_json = json_column(*catalog, "catalog");
  if (catalog_json.is_null()) return std::unexpected(unreadable_answer("catalog"));
  obs.catalog = health::parse_schema_catalog(catalog_json);
  const std::string history_sql = health::schema_history_sql(obs.catalog);
  if (history_sql.empty()) return obs;
  auto history = connection.query_prepared(history_sql, timeout);
  if (!history) return std::unexpected(history.error());
  const auto history_json = json_column(*history, "history");
  if (history_json.is_null()) return std::unexpected(unreadable_answer("history"));
  obs.history = health::parse_schema_history(history_json);
  return obs;
}

void read_migration_files(const config::SchemaConfig& config, health::SchemaObservation& obs) {
  obs.files.reset();
  obs.files_error.clear();
  if (config.migrations_dir.empty()) return;
  auto files = migrate::read_migration_dir(config.migrations_dir);
  if (!files) {
    obs.files_error = files.error();
    return;
  }
  auto& sums = obs.files.emplace();
  sums.reserve(files->size());
  for (auto& file : *files) {
    sums.push_back(health::MigrationFileSum{file.version, std::move(file.name), std::move(file.checksum)});
  }
}

}  // namespace pgvigil::cluster
