// The session-level advisory lock that lets one `pgvigil migrate up`/`down` at a time work on a
// history table. Its key comes from the table's schema-qualified name, so runs against
// different history tables (or databases: advisory locks are per database) do not block each
// other. Held until released or the session ends, so a crashed run frees it with its connection.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string_view>

#include "db/connection.h"

namespace pgvigil::migrate {

// A stable 64-bit key for `qualified_table` ("schema.table"): the first 8 bytes of SHA-256.
std::int64_t advisory_lock_key(std::string_view qualified_table);

enum class LockOutcome { acquired, timed_out };

// Tries pg_try_advisory_lock every quarter second until `wait` has passed (once if it is zero);
// never waits in the server, so a run cannot hang behind another. `on_wait` is called once,
// after the first failed try, with the holder's backend PID when the server shows it.
std::expected<LockOutcome, db::Error> acquire_advisory_lock(db::Connection& conn, std::int64_t key,
                                                            std::chrono::milliseconds wait,
                                                            const std::function<void(std::optional<int>)>& on_wait);

std::expected<void, db::Error> release_advisory_lock(db::Connection& conn, std::int64_t key);

}  // namespace pgvigil::migrate
