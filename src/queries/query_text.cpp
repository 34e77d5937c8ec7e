#include "queries/query_text.h"

namespace pgvigil::queries {
namespace {

bool is_sql_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool starts_at(std::string_view text, std::size_t at, std::string_view what) {
  return text.substr(at, what.size()) == what;
}

// `at` is at a "/*"; returns the index just past the "*/" that closes it.
std::size_t past_block_comment(std::string_view text, std::size_t at) {
  std::size_t depth = 0;
  std::size_t i = at;
  while (i < text.size()) {
    if (starts_at(text, i, "/*")) {
      ++depth;
      i += 2;
    } else if (starts_at(text, i, "*/")) {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return text.size();
}

std::size_t past_line_comment(std::string_view text, std::size_t at) {
  const std::size_t newline = text.find('\n', at);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

}  // namespace

std::string_view strip_leading_comments(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_sql_space(text[i])) {
      ++i;
    } else if (starts_at(text, i, "--")) {
      i = past_line_comment(text, i);
    } else if (starts_at(text, i, "/*")) {
      i = past_block_comment(text, i);
    } else {
      break;
    }
  }
  return text.substr(i);
}

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  // text[cut] is the first byte left out: when it continues a character, that character began
  // before the cut and must go too.
  std::size_t cut = max_bytes;
  const std::size_t lowest = max_bytes >= 3 ? max_bytes - 3 : 0;
  while (cut > lowest && is_utf8_continuation(text[cut])) --cut;
  if (is_utf8_continuation(text[cut])) cut = max_bytes;  // not UTF-8: nothing to keep whole
  return text.substr(0, cut);
}

}  // namespace pgvigil::queries
