#include "migrate/error_position.h"

#include <algorithm>

namespace pgvigil::migrate {

std::optional<std::size_t> byte_offset_of_character(std::string_view text, int position) {
  if (position < 1) return std::nullopt;
  int characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    if (continuation) continue;
    if (++characters == position) return i;
  }
  // "syntax error at end of input" points just past the last character.
  if (position == characters + 1 && !text.empty()) return text.size();
  return std::nullopt;
}

int line_at_offset(std::string_view file, std::size_t offset) {
  const auto end = std::min(offset, file.size());
  return 1 + static_cast<int>(std::count(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

std::optional<int> error_line(std::string_view file, std::size_t statement_offset, int position) {
  if (statement_offset > file.size()) return std::nullopt;
  const auto in_statement = byte_offset_of_character(file.substr(statement_offset), position);
  if (!in_statement) return std::nullopt;
  std::size_t offset = statement_offset + *in_statement;
  if (offset >= file.size()) {  // at the end of the input: the last line with text on it
    offset = file.find_last_not_of(" \t\r\n\f\v");
    if (offset == std::string_view::npos) offset = 0;
  }
  return line_at_offset(file, offset);
}

}  // namespace pgvigil::migrate
