// Small text functions for query texts read from pg_stat_activity. Pure; no allocation: each
// returns a view into its argument.
#pragma once

#include <cstddef>
#include <string_view>

namespace pgvigil::queries {

// The text after its leading whitespace and SQL comments: any number of `-- ...` line comments
// and `/* ... */` block comments, in any order. Block comments nest, as in PostgreSQL's lexer,
// so `/* a /* b */ c */ SELECT` is SELECT. An unterminated comment runs to the end of the text
// (leaving nothing), as the server would see it.
std::string_view strip_leading_comments(std::string_view text);

// At most `max_bytes` bytes of `text`, never ending inside a UTF-8 multi-byte character (the
// cut moves back to the start of the character it would split). Text that is not UTF-8 (a
// server in another encoding) is cut at `max_bytes` when no character start is found within
// the three bytes a UTF-8 character can reach back.
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace pgvigil::queries
