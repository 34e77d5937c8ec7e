// The SQL the statements monitor runs, built for the installed pg_stat_statements version.
// Pure functions; the texts are constant per version and schema, so each is prepared once per
// session (db::Connection::query_prepared).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgvigil::queries {

struct ExtensionVersion {
  int major = 0;
  int minor = 0;

  friend auto operator<=>(const ExtensionVersion&, const ExtensionVersion&) = default;
};

// "1.10" → {1, 10}; nullopt for anything else.
std::optional<ExtensionVersion> parse_extension_version(std::string_view text);

// Whether the extension is installed here (version and schema, NULL when not), whether the
// library is preloaded (NULL when this role may not read the setting), and who and where we are.
// Columns: version, schema, preload, database, role, in_recovery.
std::string_view extension_probe_sql();

// Every entry of pg_stat_statements(false) (rows with info = false) followed by one row of
// pg_stat_statements_info (info = true), in one statement so that both see the same moment:
// now() is the statement's start, taken before the rows are read; UNION ALL reads its parts in
// order, so the info is read last (see StatementSample). Times are microseconds since the Unix
// epoch. nullopt when the version lacks the columns read (before 1.8, PostgreSQL 13).
// Columns: info, userid, dbid, queryid, toplevel, calls, total_exec_time, rows, shared_blks_hit,
// shared_blks_read, temp_blks_read, temp_blks_written, wal_bytes, max_exec_time, mean_exec_time,
// since_us, taken_us, reset_us, dealloc. `schema` is as pg_extension names it, already quoted.
std::optional<std::string> sample_sql(ExtensionVersion version, std::string_view schema);

// Texts for the queryids in $1 (a bigint[] literal). Columns: queryid, query.
std::string texts_sql(std::string_view schema);

// Every role and database name by oid. Columns: kind ('u' or 'd'), oid, name.
std::string_view names_sql();

// The most sequentially read tables of the monitoring database at or above `min_pages` pages
// (by the planner's estimate, so that sizing every table costs nothing), with their size, at most
// `limit` of them. Columns: relid, name, size_bytes, seq_scan, seq_tup_read, idx_scan.
std::string table_stats_sql(long min_pages, int limit);

// A bigint[] literal for $1 of texts_sql: "{1,-2,3}".
template <class Range>
std::string bigint_array(const Range& values) {
  std::string out = "{";
  for (const auto value : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(value);
  }
  return out + "}";
}

}  // namespace pgvigil::queries
