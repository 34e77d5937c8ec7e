// Runs the schema check on a primary's connection: the catalog statement, then, when a history
// table is readable, the history statement built from what the first found (both prepared once per
// connection and text); and, apart, the migrations directory scan with its checksums. Called by
// the member's monitor on its own thread, only when the check is due, so the HTTP path never
// reads a file or a database for it.
#pragma once

#include <expected>
#include <string>

#include "config/config.h"
#include "db/connection.h"
#include "health/schema/schema_observation.h"

namespace pgvigil::cluster {

// The statements' answers; an error when either statement failed (the caller decides whether
// that is worth a reason or a retry).
std::expected<health::SchemaObservation, db::Error> read_schema(db::Connection& connection,
                                                                const std::string& catalog_sql, db::Millis timeout);

// Reads config.migrations_dir (when set) into obs.files, or says why it could not in
// obs.files_error.
void read_migration_files(const config::SchemaConfig& config, health::SchemaObservation& obs);

}  // namespace pgvigil::cluster
