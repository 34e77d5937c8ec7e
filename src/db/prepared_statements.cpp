#include "db/prepared_statements.h"

namespace pgvigil::db {

PreparedStatements::Key PreparedStatements::key_of(std::string_view sql) {
  // FNV-1a: stable across runs and libraries, and quick on a few kilobytes.
  std::uint64_t digest = 14695981039346656037ull;
  for (const char c : sql) {
    digest ^= static_cast<unsigned char>(c);
    digest *= 1099511628211ull;
  }
  return {digest, sql.size()};
}

std::optional<std::string> PreparedStatements::find(std::string_view sql) const {
  auto it = by_sql_.find(key_of(sql));
  if (it == by_sql_.end()) return std::nullopt;
  return it->second;
}

std::string PreparedStatements::new_name() { return "pgvigil_" + std::to_string(++names_given_); }

void PreparedStatements::remember(std::string_view sql, std::string name) {
  by_sql_.insert_or_assign(key_of(sql), std::move(name));
}

}  // namespace pgvigil::db
