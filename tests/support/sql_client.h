// Running SQL on a test server with libpq, for setup and assertions in tests. Each call opens
// its own connection; safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pgvigil::testing {

// Rows of the last statement that returned rows; NULL is nullopt.
using Rows = std::vector<std::vector<std::optional<std::string>>>;

// Connects, runs `sql` (one or more statements), disconnects. Throws std::runtime_error with
// the server's message if connecting or any statement fails, or if it all takes longer than
// `limit` (a stopped server cannot hang the caller).
Rows run_sql(const std::string& conninfo, const std::string& sql,
             std::chrono::milliseconds limit = std::chrono::seconds(30));

// Whether a server at `conninfo` accepts connections now (libpq's PQping).
bool accepts_connections(const std::string& conninfo);

}  // namespace pgvigil::testing
