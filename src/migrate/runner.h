// Runs one migration file against the database together with its history bookkeeping:
// a transactional file as BEGIN; the file, sent whole with the simple query protocol; the history
// row; COMMIT. A file with the no-transaction header runs statement by statement (see
// sql_splitter.h) and its history row is written after. A failed up file is rolled back and
// recorded as failed in a transaction of its own; the error names the file and, when the server
// says where, the line.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "db/connection.h"
#include "migrate/history_table.h"
#include "migrate/migration_files.h"

namespace pgvigil::migrate {

// A migration runs as long as it takes (an index build may take hours); bound it in the file
// (SET statement_timeout) or with the role's settings if that is wanted.
inline constexpr db::Millis kMigrationTimeout = std::chrono::hours(24 * 365);

struct RunFailure {
  std::string message;  // "0003_bad.up.sql:4: ERROR: syntax error at or near \"TABL\""
};

// Returns the execution time in milliseconds.
std::expected<std::int64_t, RunFailure> run_up(db::Connection& conn, const HistoryTable& history,
                                               const MigrationFile& file);

// Undoes `file` with its down file (which must exist) and deletes its history row.
std::expected<std::int64_t, RunFailure> run_down(db::Connection& conn, const HistoryTable& history,
                                                 const MigrationFile& file);

// "0003_bad.up.sql:4: ERROR: ..." from a server error in `sql` (the file's text), when the failed
// text started at byte `statement_offset` of it; `fallback_line` names a line when the server
// gave no position (0: name the file alone).
std::string describe_script_error(const std::string& file_name, std::string_view sql, std::size_t statement_offset,
                                  int fallback_line, const db::Error& error);

}  // namespace pgvigil::migrate
