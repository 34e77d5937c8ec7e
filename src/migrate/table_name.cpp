#include "migrate/table_name.h"

#include <fmt/format.h>

#include "db/sql_quote.h"

namespace pgvigil::migrate {
namespace {

constexpr std::size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

std::expected<std::string, std::string> parse_part(std::string_view part, std::string_view whole) {
  if (part.empty()) return std::unexpected(fmt::format("--table: empty name in '{}'", whole));
  if (part.size() > kMaxIdentifierBytes) {
    return std::unexpected(fmt::format("--table: '{}' is longer than {} characters", part, kMaxIdentifierBytes));
  }
  std::string folded;
  for (const char c : part) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && !folded.empty())) {
      return std::unexpected(
          fmt::format("--table: '{}' is not a plain identifier (letters, digits and _, not starting with a digit)", whole));
    }
    folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return folded;
}

}  // namespace

std::string TableName::quoted() const {
  return qualified() ? db::quote_identifier(schema) + "." + db::quote_identifier(table) : db::quote_identifier(table);
}

std::string TableName::display() const { return qualified() ? schema + "." + table : table; }

std::expected<TableName, std::string> parse_table_name(std::string_view text) {
  const auto dot = text.find('.');
  TableName name;
  if (dot == std::string_view::npos) {
    auto table = parse_part(text, text);
    if (!table) return std::unexpected(table.error());
    name.table = std::move(*table);
    return name;
  }
  if (text.find('.', dot + 1) != std::string_view::npos) {
    return std::unexpected(fmt::format("--table: '{}' has more than one dot (expected [schema.]table)", text));
  }
  auto schema = parse_part(text.substr(0, dot), text);
  if (!schema) return std::unexpected(schema.error());
  auto table = parse_part(text.substr(dot + 1), text);
  if (!table) return std::unexpected(table.error());
  name.schema = std::move(*schema);
  name.table = std::move(*table);
  return name;
}

}  // namespace pgvigil::migrate
