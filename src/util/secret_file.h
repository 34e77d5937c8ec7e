// Secrets kept in files (the admin token, webhook signing secrets): read whole, surrounding
// whitespace (a trailing newline, typically) removed. Safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace pgvigil {

// The file's trimmed contents. An error names `key` (the config key, for the person who set it)
// and the path, never the contents: a directory, an unreadable file, or one holding only
// whitespace (an empty secret would silently sign or authorise with nothing).
std::expected<std::string, std::string> read_secret_file(const std::string& path, std::string_view key);

}  // namespace pgvigil
