// Splits a migration file into its statements for files run outside a transaction: PostgreSQL
// runs a multi-statement simple query as one implicit transaction block, in which statements
// such as CREATE INDEX CONCURRENTLY refuse to run, so such files go to the server one statement
// at a time. Pure; safe from any thread.
//
// Knows enough of PostgreSQL's lexer to find the semicolons that end statements: '...' strings
// (with '' and, in E'...', backslash escapes), "..." identifiers, $tag$...$tag$ dollar quotes,
// -- comments and nested /* */ comments. It does not know SQL-standard function bodies
// (BEGIN ATOMIC ... END), whose inner semicolons it would split at; such a function belongs in a
// transactional migration, which is sent whole.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace pgvigil::migrate {

struct SqlStatement {
  std::string_view text;  // from its first token to just before its semicolon (or the end)
  std::size_t offset = 0;  // byte offset of `text` in the script, to place server errors in the file
};

// The statements of `script`, in order; pieces holding only blanks and comments are dropped.
// An unterminated quote or comment runs to the end of the script, where the server will
// report it.
std::vector<SqlStatement> split_sql(std::string_view script);

}  // namespace pgvigil::migrate
