#include "db/sql_quote.h"

namespace pgvigil::db {
namespace {

std::string quoted(std::string_view text, char quote) {
  std::string out(1, quote);
  for (const char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  return out + quote;
}

}  // namespace

std::string quote_identifier(std::string_view name) { return quoted(name, '"'); }

std::string quote_literal(std::string_view text) { return quoted(text, '\''); }

std::string quote_identifier_if_needed(std::string_view name) {
  const bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
  return plain ? std::string(name) : quote_identifier(name);
}

std::string quote_unquoted_name(std::string_view name) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    std::string part(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    for (char& c : part) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    out += quote_identifier(part);
    if (dot == std::string_view::npos) return out;
    out += '.';
    start = dot + 1;
  }
}

}  // namespace pgvigil::db
