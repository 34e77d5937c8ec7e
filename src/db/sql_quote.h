// Quoting for the few SQL texts built from names rather than sent with parameters: identifiers
// that the config or the command line validated, and text literals in statements prepared once.
// Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace pgvigil::db {

// "name" with embedded double quotes doubled: the name exactly as given, case included.
std::string quote_identifier(std::string_view name);

// For SQL shown to people (a fix in a message): bare when the name is a plain lower-case
// identifier, quoted otherwise (`"uuid-ossp"`).
std::string quote_identifier_if_needed(std::string_view name);

// An unquoted SQL name (`table` or `schema.table`, folded to lower case the way PostgreSQL folds
// unquoted names) as quoted identifiers, so that a reserved word such as `user` still parses.
std::string quote_unquoted_name(std::string_view name);

// 'text' with embedded single quotes doubled (standard_conforming_strings, on since 9.1).
std::string quote_literal(std::string_view text);

}  // namespace pgvigil::db
