#include "migrate/runner.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "migrate/error_position.h"
#include "migrate/sql_splitter.h"

namespace pgvigil::migrate {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string file_name_of(const std::filesystem::path& path) { return path.filename().string(); }

std::expected<void, db::Error> run(db::Connection& conn, std::string_view sql) {
  auto result = conn.run_script(sql, kMigrationTimeout);
  if (!result) return std::unexpected(result.error());
  return {};
}

// Ends the transaction a failure left open; a lost connection has ended it already.
void roll_back(db::Connection& conn) {
  if (conn.is_open() && conn.in_transaction_block()) (void)conn.run_script("ROLLBACK", kHistoryTimeout);
}

// Why a file's text failed, with the file and line as people read them.
struct ScriptFailure {
  std::string message;
};

// A transactional file: sent whole, in the caller's transaction.
std::expected<void, ScriptFailure> run_in_transaction(db::Connection& conn, const std::string& file_name,
                                                      std::string_view sql) {
  if (auto done = run(conn, sql); !done) {
    return std::unexpected(ScriptFailure{describe_script_error(file_name, sql, 0, 0, done.error())});
  }
  if (!conn.in_transaction_block()) {
    return std::unexpected(ScriptFailure{fmt::format(
        "{}: the file ended the migration's transaction itself (COMMIT or ROLLBACK), so what it did before is "
        "committed without a history row; remove the COMMIT/ROLLBACK, or give the file the no-transaction header",
        file_name)});
  }
  return {};
}

// A no-transaction file: one statement at a time, each in its own implicit transaction.
std::expected<void, ScriptFailure> run_statements(db::Connection& conn, const std::string& file_name,
                                                  std::string_view sql) {
  for (const SqlStatement& statement : split_sql(sql)) {
    if (auto done = run(conn, statement.text); !done) {
      return std::unexpected(ScriptFailure{describe_script_error(file_name, sql, statement.offset,
                                                                 line_at_offset(sql, statement.offset), done.error())});
    }
  }
  return {};
}

std::expected<void, ScriptFailure> run_text(db::Connection& conn, const std::string& file_name, std::string_view sql,
                                            bool in_transaction) {
  return in_transaction ? run_in_transaction(conn, file_name, sql) : run_statements(conn, file_name, sql);
}

std::string history_failure(const std::string& file_name, const db::Error& error) {
  return fmt::format("{}: ran, but the history table could not be updated: {}", file_name, error.to_string());
}

std::expected<std::string, RunFailure> read_down_file(const MigrationFile& file) {
  if (!file.down_path) {
    return std::unexpected(RunFailure{fmt::format("{}: missing",
                                                  migration_file_name(file.version, file.name, Direction::down))});
  }
  std::ifstream in(*file.down_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return std::unexpected(RunFailure{fmt::format("{}: cannot be read", file.down_path->string())});
  return std::move(text).str();
}

}  // namespace

std::string describe_script_error(const std::string& file_name, std::string_view sql, std::size_t statement_offset,
                                  int fallback_line, const db::Error& error) {
  if (error.kind == db::ErrorKind::connection || error.kind == db::ErrorKind::timeout) {
    return fmt::format("{}: {}", file_name, error.to_string());
  }
  const auto line = error_line(sql, statement_offset, error.statement_position);
  const int shown = line.value_or(fallback_line);
  if (shown > 0) return fmt::format("{}:{}: ERROR: {}", file_name, shown, error.message);
  return fmt::format("{}: ERROR: {}", file_name, error.message);
}

std::expected<std::int64_t, RunFailure> run_up(db::Connection& conn, const HistoryTable& history,
                                               const MigrationFile& file) {
  const std::string file_name = file_name_of(file.up_path);
  const auto start = Clock::now();
  if (file.in_transaction) {
    if (auto begun = conn.run_script("BEGIN", kHistoryTimeout); !begun) {
      return std::unexpected(RunFailure{fmt::format("{}: {}", file_name, begun.error().to_string())});
    }
  }
  const auto ran = run_text(conn, file_name, file.up_sql, file.in_transaction);
  if (ran) {
    const std::int64_t took = elapsed_ms(start);
    auto recorded = history.record_applied(conn, file, took);
    if (recorded && file.in_transaction) {
      if (auto committed = run(conn, "COMMIT"); !committed) recorded = std::unexpected(committed.error());
    }
    if (recorded) return took;
    roll_back(conn);
    // Nothing of a transactional file remains; a no-transaction file's changes stay, unrecorded.
    return std::unexpected(RunFailure{history_failure(file_name, recorded.error())});
  }
  roll_back(conn);
  if (conn.is_open()) {
    if (auto recorded = history.record_failed(conn, file, elapsed_ms(start), ran.error().message); !recorded) {
      return std::unexpected(
          RunFailure{fmt::format("{}\n(and recording the failure failed: {})", ran.error().message,
                                 recorded.error().to_string())});
    }
  }
  return std::unexpected(RunFailure{ran.error().message});
}

std::expected<std::int64_t, RunFailure> run_down(db::Connection& conn, const HistoryTable& history,
                                                 const MigrationFile& file) {
  auto sql = read_down_file(file);
  if (!sql) return std::unexpected(sql.error());
  const std::string file_name = file_name_of(*file.down_path);
  const bool in_transaction = !declares_no_transaction(*sql);
  const auto start = Clock::now();
  if (in_transaction) {
    if (auto begun = conn.run_script("BEGIN", kHistoryTimeout); !begun) {
      return std::unexpected(RunFailure{fmt::format("{}: {}", file_name, begun.error().to_string())});
    }
  }
  if (auto ran = run_text(conn, file_name, *sql, in_transaction); !ran) {
    roll_back(conn);
    return std::unexpected(RunFailure{ran.error().message});
  }
  auto removed = history.remove(conn, file.version);
  if (removed && in_transaction) {
    if (auto committed = run(conn, "COMMIT"); !committed) removed = std::unexpected(committed.error());
  }
  if (!removed) {
    roll_back(conn);
    return std::unexpected(RunFailure{history_failure(file_name, removed.error())});
  }
  return elapsed_ms(start);
}

}  // namespace pgvigil::migrate
