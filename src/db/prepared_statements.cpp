#include "db/prepared_statements.h"

namespace pgvigil::db {

std::optional<std::string> PreparedStatements::find(std::string_view sql) const {
  auto it = by_sql_.find(sql);
  if (it == by_sql_.end()) return std::nullopt;
  return it->second;
}

std::string PreparedStatements::new_name() { return "pgvigil_" + std::to_string(++names_given_); }

void PreparedStatements::remember(std::string_view sql, std::string name) {
  by_sql_.insert_or_assign(std::string(sql), std::move(name));
}

}  // namespace pgvigil::db
