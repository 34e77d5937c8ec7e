// The history table's name as given with --table ("table" or "schema.table"), checked as plain
// SQL identifiers and folded to lower case as PostgreSQL folds unquoted names, then always
// double-quoted when put into SQL, so that no value of --table can change a statement's meaning.
// Pure; safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace pgvigil::migrate {

struct TableName {
  std::string schema;  // empty until qualified: the table then lives in the session's current schema
  std::string table;

  bool qualified() const { return !schema.empty(); }
  std::string quoted() const;   // "schema"."table" (or "table")
  std::string display() const;  // schema.table (or table), for messages and the lock key

  bool operator==(const TableName&) const = default;
};

// Letters, digits and _ (not leading with a digit), at most 63 bytes a part, at most one dot.
std::expected<TableName, std::string> parse_table_name(std::string_view text);

}  // namespace pgvigil::migrate
