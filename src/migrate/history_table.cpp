#include "migrate/history_table.h"

#include <fmt/format.h>

namespace pgvigil::migrate {
namespace {

std::expected<void, db::Error> ignore_rows(std::expected<db::Result, db::Error> result) {
  if (!result) return std::unexpected(result.error());
  return {};
}

db::Error unexpected_answer(std::string_view what) {
  return db::Error{db::ErrorKind::query, "", std::string(what), false, "check the history table by hand"};
}

}  // namespace

std::expected<TableName, db::Error> qualify_table_name(db::Connection& conn, TableName name) {
  if (name.qualified()) return name;
  auto result = conn.query("SELECT current_schema() AS schema", kHistoryTimeout);
  if (!result) return std::unexpected(result.error());
  auto schema = result->get(0, "schema");
  if (!schema) {
    return std::unexpected(db::Error{db::ErrorKind::schema, "", "no schema in the search_path exists", false,
                                     "name the history table's schema: --table schema.table"});
  }
  name.schema = std::move(*schema);
  return name;
}

std::expected<void, db::Error> HistoryTable::create_if_missing(db::Connection& conn) const {
  return ignore_rows(conn.query(fmt::format(
                                    "CREATE TABLE IF NOT EXISTS {} ("
                                    " version bigint PRIMARY KEY,"
                                    " name text NOT NULL,"
                                    " checksum text NOT NULL,"
                                    " applied_at timestamptz NOT NULL DEFAULT now(),"
                                    " execution_ms bigint NOT NULL,"
                                    " status text NOT NULL CHECK (status IN ('applied', 'failed')),"
                                    " error text)",
                                    name_.quoted()),
                                kHistoryTimeout));
}

std::expected<std::vector<HistoryRow>, db::Error> HistoryTable::read(db::Connection& conn) const {
  const std::vector<db::Param> params{name_.quoted()};
  auto exists = conn.query("SELECT to_regclass($1) IS NOT NULL AS present", params, kHistoryTimeout);
  if (!exists) return std::unexpected(exists.error());
  if (!exists->get_bool(0, "present").value_or(false)) return std::vector<HistoryRow>{};

  auto result = conn.query(
      fmt::format("SELECT version, name, checksum,"
                  " to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"') AS applied_at,"
                  " execution_ms, status, error FROM {} ORDER BY version",
                  name_.quoted()),
      kHistoryTimeout);
  if (!result) return std::unexpected(result.error());
  std::vector<HistoryRow> rows;
  rows.reserve(static_cast<size_t>(result->rows()));
  for (int r = 0; r < result->rows(); ++r) {
    HistoryRow row;
    const auto version = result->get_int(r, "version");
    if (!version) return std::unexpected(unexpected_answer("history row without a version"));
    row.version = *version;
    row.name = result->get(r, "name").value_or("");
    row.checksum = result->get(r, "checksum").value_or("");
    row.applied_at = result->get(r, "applied_at").value_or("");
    row.execution_ms = result->get_int(r, "execution_ms").value_or(0);
    row.status = result->get(r, "status") == "failed" ? HistoryStatus::failed : HistoryStatus::applied;
    row.error = result->get(r, "error").value_or("");
    rows.push_back(std::move(row));
  }
  return rows;
}

std::expected<void, db::Error> HistoryTable::record_applied(db::Connection& conn, const MigrationFile& file,
                                                            std::int64_t execution_ms) const {
  const std::vector<db::Param> params{std::to_string(file.version), file.name, file.checksum,
                                      std::to_string(execution_ms)};
  auto result = conn.query(fmt::format("INSERT INTO {0} AS h (version, name, checksum, execution_ms, status)"
                                       " VALUES ($1, $2, $3, $4, 'applied')"
                                       " ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name,"
                                       " checksum = EXCLUDED.checksum, applied_at = now(),"
                                       " execution_ms = EXCLUDED.execution_ms, status = 'applied', error = NULL"
                                       " WHERE h.status = 'failed'",
                                       name_.quoted()),
                           params, kHistoryTimeout);
  if (!result) return std::unexpected(result.error());
  if (result->command_status() != "INSERT 0 1") {
    return std::unexpected(unexpected_answer(fmt::format("version {} is already recorded as applied", file.version)));
  }
  return {};
}

std::expected<void, db::Error> HistoryTable::record_failed(db::Connection& conn, const MigrationFile& file,
                                                           std::int64_t execution_ms, const std::string& error) const {
  const std::vector<db::Param> params{std::to_string(file.version), file.name, file.checksum,
                                      std::to_string(execution_ms), error};
  return ignore_rows(conn.query(fmt::format("INSERT INTO {0} AS h (version, name, checksum, execution_ms, status, error)"
                                            " VALUES ($1, $2, $3, $4, 'failed', $5)"
                                            " ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name,"
                                            " checksum = EXCLUDED.checksum, applied_at = now(),"
                                            " execution_ms = EXCLUDED.execution_ms, error = EXCLUDED.error"
                                            " WHERE h.status = 'failed'",
                                            name_.quoted()),
                                params, kHistoryTimeout));
}

std::expected<void, db::Error> HistoryTable::remove(db::Connection& conn, std::int64_t version) const {
  const std::vector<db::Param> params{std::to_string(version)};
  auto result = conn.query(fmt::format("DELETE FROM {} WHERE version = $1 AND status = 'applied'", name_.quoted()),
                           params, kHistoryTimeout);
  if (!result) return std::unexpected(result.error());
  if (result->command_status() != "DELETE 1") {
    return std::unexpected(unexpected_answer(fmt::format("version {} is no longer recorded as applied", version)));
  }
  return {};
}

}  // namespace pgvigil::migrate
