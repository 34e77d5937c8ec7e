// Connection strings: parsing libpq conninfo ("host=h port=5432") and URIs
// ("postgresql://user@h:5432/db?sslmode=require") into keyword/value pairs, and printing them
// with every password redacted. Pure functions, safe from any thread.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgvigil::db {

using ConnParams = std::vector<std::pair<std::string, std::string>>;

// Parses with libpq's own grammar, so what the daemon accepts is exactly what libpq accepts.
// Returns only the keywords that were set. The error message never contains the input text.
std::expected<ConnParams, std::string> parse_conninfo(std::string_view conninfo);

// Whether `keyword` is a libpq connection keyword (host, sslmode, ...).
bool is_conninfo_keyword(std::string_view keyword);

// "host=127.0.0.1 port=5432 user=pgvigil": never includes a password, whatever the params hold.
std::string describe(const ConnParams& params);

// Replaces the password in a conninfo string or URI with "********" (both forms, quoted or not).
// Used on any text that might echo a connection string back, such as libpq error messages.
std::string redact_conninfo(std::string_view text);

// Replaces every occurrence of each non-empty secret in `text` with "********".
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace pgvigil::db
