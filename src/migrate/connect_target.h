// The database `pgvigil migrate` works on: a conninfo/URI given with --dsn, or the primary of a
// cluster in the pgvigil config (members tried in order; the first reachable one that is not in
// recovery). Sessions get no statement or lock timeout from pgvigil (a migration takes as long
// as it takes; the server's and role's settings apply) and application_name "pgvigil migrate".
// Passwords come from the conninfo, the member's password_file (read now) or libpq's own
// sources, and no message printed here carries one.
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "db/connection.h"
#include "migrate/exit_codes.h"

namespace pgvigil::migrate {

struct Target {
  db::Connection connection;
};

// Notes about members passed over on the way to the primary ("replica: in recovery").
using NoteSink = std::function<void(const std::string&)>;

// `lock_timeout` is the session's (0: the server's default).
std::expected<Target, CommandError> connect_dsn(const std::string& dsn, db::Millis lock_timeout);

// `cluster` may be empty when the config holds exactly one cluster.
std::expected<Target, CommandError> connect_cluster_primary(const std::string& config_path,
                                                            const std::optional<std::string>& cluster,
                                                            db::Millis lock_timeout, const NoteSink& note);

}  // namespace pgvigil::migrate
