#include "queries/statement_sql.h"

#include <charconv>

#include <fmt/format.h>

namespace pgvigil::queries {
namespace {

constexpr ExtensionVersion kFirstReadable{1, 8};    // total_exec_time, wal_bytes (PostgreSQL 13)
constexpr ExtensionVersion kToplevelAndInfo{1, 9};  // toplevel, pg_stat_statements_info (14)
constexpr ExtensionVersion kStatsSince{1, 11};      // stats_since (17)

constexpr std::string_view kMicros = "(extract(epoch FROM {}) * 1000000)::bigint";

std::string micros(std::string_view expression) { return fmt::format(fmt::runtime(kMicros), expression); }

}  // namespace

std::optional<ExtensionVersion> parse_extension_version(std::string_view text) {
  ExtensionVersion v;
  const char* end = text.data() + text.size();
  auto [after_major, e1] = std::from_chars(text.data(), end, v.major);
  if (e1 != std::errc{} || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, e2] = std::from_chars(after_major + 1, end, v.minor);
  if (e2 != std::errc{} || after_minor != end) return std::nullopt;
  return v;
}

std::string_view extension_probe_sql() {
  return "SELECT e.extversion AS version, e.extnamespace::pg_catalog.regnamespace::text AS schema,"
         " (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries') AS preload,"
         " pg_catalog.current_database() AS database, current_user AS role,"
         " pg_catalog.pg_is_in_recovery() AS in_recovery"
         " FROM (SELECT 1) AS one"
         " LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'pg_stat_statements'";
}

std::optional<std::string> sample_sql(ExtensionVersion version, std::string_view schema) {
  if (version < kFirstReadable) return std::nullopt;
  const bool has_info = version >= kToplevelAndInfo;
  const std::string toplevel = has_info ? "toplevel" : "true";
  const std::string since = version >= kStatsSince ? micros("stats_since") : "NULL::bigint";
  // wal_bytes is numeric; no server writes 9 EB, so the cast cannot overflow in practice, and
  // LEAST makes sure of it.
  std::string sql = fmt::format(
      "SELECT false AS info, userid::bigint AS userid, dbid::bigint AS dbid, queryid, {} AS toplevel, calls,"
      " total_exec_time, rows, shared_blks_hit, shared_blks_read, temp_blks_read, temp_blks_written,"
      " LEAST(wal_bytes, 9223372036854775807)::bigint AS wal_bytes, max_exec_time, mean_exec_time,"
      " {} AS since_us, NULL::bigint AS taken_us, NULL::bigint AS reset_us, NULL::bigint AS dealloc"
      " FROM {}.pg_stat_statements(false)",
      toplevel, since, schema);
  const std::string nulls =
      "NULL::bigint, NULL::bigint, NULL::bigint, NULL::boolean, NULL::bigint, NULL::float8, NULL::bigint,"
      " NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::float8, NULL::float8,"
      " NULL::bigint";
  if (has_info) {
    sql += fmt::format(" UNION ALL SELECT true, {}, {}, {}, dealloc FROM {}.pg_stat_statements_info", nulls,
                       micros("pg_catalog.now()"), micros("stats_reset"), schema);
  } else {
    sql += fmt::format(" UNION ALL SELECT true, {}, {}, NULL::bigint, 0::bigint", nulls, micros("pg_catalog.now()"));
  }
  return sql;
}

std::string texts_sql(std::string_view schema) {
  return fmt::format("SELECT queryid, query FROM {}.pg_stat_statements(true) WHERE queryid = ANY($1::bigint[])",
                     schema);
}

std::string_view names_sql() {
  return "SELECT 'u' AS kind, oid::bigint AS oid, rolname::text AS name FROM pg_catalog.pg_roles"
         " UNION ALL SELECT 'd', oid::bigint, datname::text FROM pg_catalog.pg_database";
}

std::string table_stats_sql(long min_pages, int limit) {
  // Sized after the LIMIT: pg_relation_size() stats files, so only the few kept are measured.
  return fmt::format(
      "SELECT relid, name, pg_catalog.pg_relation_size(relid) AS size_bytes, seq_scan, seq_tup_read, idx_scan"
      " FROM (SELECT s.relid, pg_catalog.quote_ident(s.schemaname) || '.' || pg_catalog.quote_ident(s.relname) AS name,"
      " s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0) AS idx_scan"
      " FROM pg_catalog.pg_stat_user_tables s JOIN pg_catalog.pg_class c ON c.oid = s.relid"
      " WHERE c.relpages >= {} ORDER BY s.seq_tup_read DESC LIMIT {}) AS largest",
      min_pages, limit);
}

}  // namespace pgvigil::queries
