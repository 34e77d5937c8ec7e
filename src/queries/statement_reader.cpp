#include "queries/statement_reader.h"

#include <charconv>
#include <chrono>

namespace pgvigil::queries {
namespace {

// Tables smaller than this are cheaper to scan than to index (8 kB pages: 10 MB, the floor the
// seq_scan recommendation applies to the measured size).
constexpr long kLargeTablePages = 1280;
constexpr int kTablesRead = 20;

template <class Number>
Number number(std::string_view text) {
  Number value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

ServerTime from_micros(std::int64_t micros) { return ServerTime{} + std::chrono::microseconds(micros); }

// Column positions resolved once per result: a sample may have 50,000 rows.
struct SampleColumns {
  explicit SampleColumns(const db::Result& r)
      : info(r.column("info")), userid(r.column("userid")), dbid(r.column("dbid")), queryid(r.column("queryid")),
        toplevel(r.column("toplevel")), calls(r.column("calls")), total(r.column("total_exec_time")),
        rows(r.column("rows")), hit(r.column("shared_blks_hit")), read(r.column("shared_blks_read")),
        temp_read(r.column("temp_blks_read")), temp_written(r.column("temp_blks_written")),
        wal(r.column("wal_bytes")), max(r.column("max_exec_time")), mean(r.column("mean_exec_time")),
        since(r.column("since_us")), taken(r.column("taken_us")), reset(r.column("reset_us")),
        dealloc(r.column("dealloc")) {}

  int info, userid, dbid, queryid, toplevel, calls, total, rows, hit, read, temp_read, temp_written, wal, max, mean,
      since, taken, reset, dealloc;
};

StatementRow parse_row(const db::Result& r, int i, const SampleColumns& c) {
  StatementRow row;
  row.key.userid = number<std::uint32_t>(r.text(i, c.userid));
  row.key.dbid = number<std::uint32_t>(r.text(i, c.dbid));
  row.key.queryid = number<std::int64_t>(r.text(i, c.queryid));
  row.key.toplevel = r.text(i, c.toplevel) == "t";
  row.counters.calls = number<std::int64_t>(r.text(i, c.calls));
  row.counters.total_exec_time_ms = number<double>(r.text(i, c.total));
  row.counters.rows = number<std::int64_t>(r.text(i, c.rows));
  row.counters.shared_blks_hit = number<std::int64_t>(r.text(i, c.hit));
  row.counters.shared_blks_read = number<std::int64_t>(r.text(i, c.read));
  row.counters.temp_blks_read = number<std::int64_t>(r.text(i, c.temp_read));
  row.counters.temp_blks_written = number<std::int64_t>(r.text(i, c.temp_written));
  row.counters.wal_bytes = number<std::int64_t>(r.text(i, c.wal));
  row.max_exec_time_ms = number<double>(r.text(i, c.max));
  if (!r.is_null(i, c.mean)) row.mean_exec_time_ms = number<double>(r.text(i, c.mean));
  if (!r.is_null(i, c.since)) row.stats_since = from_micros(number<std::int64_t>(r.text(i, c.since)));
  return row;
}

}  // namespace

std::expected<ExtensionProbe, db::Error> probe_extension(db::Connection& session, Millis timeout) {
  auto result = session.query_prepared(extension_probe_sql(), timeout);
  if (!result) return std::unexpected(result.error());
  ExtensionProbe probe;
  probe.version = result->get(0, "version");
  probe.schema = result->get(0, "schema").value_or("public");
  if (auto preload = result->get(0, "preload")) {
    probe.preloaded = preload->find("pg_stat_statements") != std::string::npos;
  }
  probe.database = result->get(0, "database").value_or("");
  probe.role = result->get(0, "role").value_or("");
  probe.in_recovery = result->get_bool(0, "in_recovery").value_or(false);
  return probe;
}

std::expected<SampleRead, db::Error> read_sample(db::Connection& session, const std::string& sql, Millis timeout) {
  auto result = session.query_prepared(sql, timeout);
  if (!result) return std::unexpected(result.error());
  const SampleColumns columns(*result);
  SampleRead out;
  const int rows = result->rows();
  out.sample.rows.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    if (result->text(i, columns.info) == "t") {
      out.sample.taken_at = from_micros(number<std::int64_t>(result->text(i, columns.taken)));
      if (!result->is_null(i, columns.reset)) {
        out.sample.stats_reset = from_micros(number<std::int64_t>(result->text(i, columns.reset)));
      }
      out.sample.dealloc = number<std::int64_t>(result->text(i, columns.dealloc));
      continue;
    }
    if (result->is_null(i, columns.queryid)) {
      ++out.hidden;
      continue;
    }
    out.sample.rows.push_back(parse_row(*result, i, columns));
  }
  return out;
}

std::expected<void, db::Error> read_texts(db::Connection& session, const std::string& schema,
                                          std::span<const std::int64_t> queryids, StatementLabels& labels,
                                          Millis timeout) {
  if (queryids.empty()) return {};
  const db::Param ids = bigint_array(queryids);
  auto result = session.query(texts_sql(schema), std::span(&ids, 1), timeout);
  if (!result) return std::unexpected(result.error());
  for (int i = 0; i < result->rows(); ++i) {
    const auto queryid = result->get_int(i, "queryid");
    if (!queryid) continue;
    // One queryid may have several entries (roles, databases, nesting): the first visible text.
    const auto text = result->get(i, "query");
    if (text ? labels.text(*queryid).empty() : !labels.has_text(*queryid)) labels.add_text(*queryid, text.value_or(""));
  }
  return {};
}

std::expected<void, db::Error> read_names(db::Connection& session, StatementLabels& labels, Millis timeout) {
  auto result = session.query_prepared(names_sql(), timeout);
  if (!result) return std::unexpected(result.error());
  StatementLabels::Names users;
  StatementLabels::Names databases;
  for (int i = 0; i < result->rows(); ++i) {
    const auto oid = static_cast<std::uint32_t>(result->get_int(i, "oid").value_or(0));
    auto name = result->get(i, "name").value_or("");
    (result->get(i, "kind") == "u" ? users : databases).insert_or_assign(oid, std::move(name));
  }
  labels.set_users(std::move(users));
  labels.set_databases(std::move(databases));
  return {};
}

std::expected<std::vector<TableStats>, db::Error> read_table_stats(db::Connection& session, Millis timeout) {
  static const std::string sql = table_stats_sql(kLargeTablePages, kTablesRead);
  auto result = session.query_prepared(sql, timeout);
  if (!result) return std::unexpected(result.error());
  std::vector<TableStats> tables;
  for (int i = 0; i < result->rows(); ++i) {
    TableStats t;
    t.relid = static_cast<std::uint32_t>(result->get_int(i, "relid").value_or(0));
    t.name = result->get(i, "name").value_or("");
    t.size_bytes = result->get_int(i, "size_bytes").value_or(0);
    t.seq_scan = result->get_int(i, "seq_scan").value_or(0);
    t.seq_tup_read = result->get_int(i, "seq_tup_read").value_or(0);
    t.idx_scan = result->get_int(i, "idx_scan").value_or(0);
    tables.push_back(std::move(t));
  }
  return tables;
}

}  // namespace pgvigil::queries
