// The history table that records which migrations ran, one row per version:
//
//   version       bigint PRIMARY KEY     the file's NNNN
//   name          text NOT NULL          the file's name part
//   checksum      text NOT NULL          SHA-256 (hex) of the up file as it ran
//   applied_at    timestamptz NOT NULL   when it was applied (or last failed)
//   execution_ms  bigint NOT NULL        how long the file took
//   status        text NOT NULL          'applied' or 'failed'
//   error         text                   failed rows: the server's error, with file and line
//
// A failed row is replaced by the applied one once the fixed file runs; an applied row is never
// overwritten, only deleted by `down`. Every statement names the table schema-qualified and
// quoted, so neither --table nor a migration's SET search_path can redirect it.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "db/connection.h"
#include "migrate/migration_files.h"
#include "migrate/plan.h"
#include "migrate/table_name.h"

namespace pgvigil::migrate {

// Bookkeeping statements are quick unless something holds a lock on the table.
inline constexpr db::Millis kHistoryTimeout{60'000};

// `name` with its schema filled in from the session's current_schema() when --table had none:
// where CREATE TABLE would put it, fixed for the rest of the run.
std::expected<TableName, db::Error> qualify_table_name(db::Connection& conn, TableName name);

class HistoryTable {
 public:
  explicit HistoryTable(TableName name) : name_(std::move(name)) {}

  const TableName& name() const { return name_; }

  std::expected<void, db::Error> create_if_missing(db::Connection& conn) const;
  // Every row, ascending by version; none when the table does not exist (read-only commands do
  // not create it).
  std::expected<std::vector<HistoryRow>, db::Error> read(db::Connection& conn) const;

  // Inside the migration's transaction. Replaces a failed row; fails if the version is already
  // applied, which the lock makes impossible unless someone wrote the table by hand.
  std::expected<void, db::Error> record_applied(db::Connection& conn, const MigrationFile& file,
                                                std::int64_t execution_ms) const;
  // In a transaction of its own, after the migration's was rolled back. Never replaces an
  // applied row.
  std::expected<void, db::Error> record_failed(db::Connection& conn, const MigrationFile& file,
                                               std::int64_t execution_ms, const std::string& error) const;
  // Inside the down migration's transaction.
  std::expected<void, db::Error> remove(db::Connection& conn, std::int64_t version) const;

 private:
  TableName name_;
};

}  // namespace pgvigil::migrate
