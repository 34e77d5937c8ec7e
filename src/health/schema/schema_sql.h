// The schema check's two statements, built from the config and from what the first one found:
// the catalog statement (required extensions and relations, and which history tables exist, with
// their columns and whether the monitoring role may read them), then the history statement, which
// reads only tables that exist, so it never fails on a missing one. Each answers one row with one
// json column. Names come from the validated config (plain identifiers) or from the table of
// known tools below. Pure.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "health/schema/schema_observation.h"

namespace pgvigil::health {

// A history table the check knows how to read: where the tool puts it by default and the
// columns it must have to be taken for that tool's (Rails' schema_migrations has no `dirty`).
struct HistoryTableSpec {
  HistoryTool tool;
  std::string_view table;
  std::span<const std::string_view> columns;
};

// The other tools' tables (pgvigil's comes from the config).
std::span<const HistoryTableSpec> other_tool_tables();

// Whether the history statement can read `found`: readable, with the tool's columns.
bool is_readable_history(const HistoryTableFound& found);

std::string schema_catalog_sql(const config::SchemaConfig& config);
SchemaCatalog parse_schema_catalog(const nlohmann::json& value);

// Empty when no history table is readable: the run then costs one statement.
std::string schema_history_sql(const SchemaCatalog& catalog);
SchemaHistory parse_schema_history(const nlohmann::json& value);

}  // namespace pgvigil::health
