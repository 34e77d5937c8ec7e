// Places a server error in the migration file: PostgreSQL reports where in the statement text
// an error is (PG_DIAG_STATEMENT_POSITION) as a 1-based count of characters, not bytes, so a
// file with UTF-8 text before the error needs counting code points. Pure; safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pgvigil::migrate {

// The byte offset in UTF-8 `text` of its `position`th character (1-based); nullopt when the
// position lies outside the text.
std::optional<std::size_t> byte_offset_of_character(std::string_view text, int position);

// The 1-based line of `file` that holds the byte at `offset` (an offset at the end is on the last line).
int line_at_offset(std::string_view file, std::size_t offset);

// The line of `file` at the error `position` reported for a statement that starts at byte
// `statement_offset` of the file (0 when the whole file was sent). nullopt when the server sent
// no position (0) or one that does not fall inside the statement.
std::optional<int> error_line(std::string_view file, std::size_t statement_offset, int position);

}  // namespace pgvigil::migrate
