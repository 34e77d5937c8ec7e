#include "db/prepared_statements.h"

#include <functional>

namespace pgvigil::db {

PreparedStatements::Key PreparedStatements::key_of(std::string_view sql) {
  // The library's hash reads eight bytes a step: every statement a session runs is looked up
  // here, and the health cycle's run to several kilobytes. Digests live as long as the session.
  return {std::hash<std::string_view>{}(sql), sql.size()};
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
