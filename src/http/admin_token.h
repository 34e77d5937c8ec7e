// Reads the admin token for the POST endpoints from http.admin_token_file. Called at start-up
// (and on restart-only config changes); safe from any thread.
#pragma once

#include <expected>
#include <string>

namespace pgvigil::http {

// The file's contents with surrounding whitespace (a trailing newline, typically) removed.
// An empty `path` yields an empty token, which disables the POST endpoints. A file that cannot be
// read, or holds only whitespace, is an error: starting with the endpoints silently off, or open
// to an empty token, would surprise whoever configured the file.
std::expected<std::string, std::string> read_admin_token(const std::string& path);

}  // namespace pgvigil::http
