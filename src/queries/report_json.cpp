#include "queries/report_json.h"

#include <chrono>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/timestamp_text.h"

namespace pgvigil::queries {
namespace {

using Json = nlohmann::ordered_json;

// Milliseconds to the microsecond, the precision pg_stat_statements keeps; fewer digits to read.
double ms(double value) { return std::round(value * 1000.0) / 1000.0; }

std::string_view to_string(EntryOrigin origin) {
  switch (origin) {
    case EntryOrigin::continued: return "continued";
    case EntryOrigin::created: return "created";
    case EntryOrigin::restarted: return "restarted";
  }
  return "continued";
}

Json totals_json(const IntervalTotals& totals) {
  return {{"calls", totals.calls},
          {"exec_ms", ms(totals.exec_time_ms)},
          {"rows", totals.rows},
          {"shared_blks_hit", totals.shared_blks_hit},
          {"shared_blks_read", totals.shared_blks_read},
          {"temp_blks_written", totals.temp_blks_written},
          {"wal_bytes", totals.wal_bytes}};
}

Json line_head(std::string_view type, const IntervalReport& report) {
  return {{"type", type},
          {"interval_start", format_rfc3339_millis(report.start)},
          {"interval_end", format_rfc3339_millis(report.end)},
          {"cluster", report.cluster},
          {"member", report.member}};
}

// Every field of statement_json but the last, "query".
Json statement_fields(const ReportedStatement& s) {
  return {{"queryid", std::to_string(s.queryid)},
          {"user", s.user},
          {"database", s.database},
          {"toplevel", s.toplevel},
          {"slow", s.slow},
          {"top", s.top},
          {"origin", to_string(s.origin)},
          {"calls", s.delta.calls},
          {"total_ms", ms(s.delta.total_exec_time_ms)},
          {"mean_ms", ms(s.mean_exec_time_ms)},
          {"max_ms", s.max_exec_time_ms ? Json(ms(*s.max_exec_time_ms)) : Json(nullptr)},
          {"rows", s.delta.rows},
          {"shared_blks_hit", s.delta.shared_blks_hit},
          {"shared_blks_read", s.delta.shared_blks_read},
          {"temp_blks_read", s.delta.temp_blks_read},
          {"temp_blks_written", s.delta.temp_blks_written},
          {"wal_bytes", s.delta.wal_bytes}};
}

// What comes before a recommendation's query text: its kind, and the queryid or the table.
Json recommendation_head(const Recommendation& r) {
  Json out = {{"kind", r.kind}};
  if (r.queryid) {
    out["queryid"] = std::to_string(*r.queryid);
  } else {
    out["table"] = r.table;
  }
  return out;
}

// What comes after it: the message and the figures behind it.
Json recommendation_tail(const Recommendation& r) {
  Json evidence = Json::object();
  for (const auto& [name, value] : r.evidence) evidence[name] = value;
  return {{"message", r.message}, {"evidence", std::move(evidence)}};
}

// Every field of interval_json before its lists of statements and recommendations.
Json interval_head(const IntervalReport& report) {
  return {{"cluster", report.cluster},
          {"member", report.member},
          {"start", format_rfc3339_millis(report.start)},
          {"end", format_rfc3339_millis(report.end)},
          {"seconds", std::chrono::duration<double>(report.end - report.start).count()},
          {"reset_detected", report.reset_detected},
          {"evicted", report.evicted},
          {"created", report.created},
          {"restarted", report.restarted},
          {"gone", report.gone},
          {"active", report.active},
          {"slow", report.slow},
          {"omitted", report.omitted},
          {"hidden", report.hidden},
          {"totals", totals_json(report.totals)}};
}

}  // namespace

Json statement_json(const ReportedStatement& s) {
  Json out = statement_fields(s);
  out["query"] = s.query;
  return out;
}

Json recommendation_json(const Recommendation& r) {
  Json out = recommendation_head(r);
  if (r.queryid) out["query"] = r.query;
  Json tail = recommendation_tail(r);
  for (auto field = tail.begin(); field != tail.end(); ++field) out[field.key()] = std::move(field.value());
  return out;
}

Json interval_json(const IntervalReport& report) {
  Json statements = Json::array();
  for (const ReportedStatement& s : report.statements) statements.push_back(statement_json(s));
  Json recommendations = Json::array();
  for (const Recommendation& r : report.recommendations) recommendations.push_back(recommendation_json(r));
  Json out = interval_head(report);
  out["statements"] = std::move(statements);
  out["recommendations"] = std::move(recommendations);
  return out;
}

std::string interval_json_text(const IntervalReport& report) { return dump_json(interval_json(report)); }

std::string json_literal(std::string_view text) { return dump_json(Json(text)); }

std::vector<std::string> slow_log_lines(const IntervalReport& report) {
  std::vector<std::string> lines;
  lines.reserve(report.statements.size() + 1);
  Json interval = line_head("interval", report);
  interval["reset_detected"] = report.reset_detected;
  interval["evicted"] = report.evicted;
  interval["active"] = report.active;
  interval["slow"] = report.slow;
  interval["logged"] = report.statements.size();
  interval["omitted"] = report.omitted;
  interval["hidden"] = report.hidden;
  interval["calls"] = report.totals.calls;
  interval["total_ms"] = ms(report.totals.exec_time_ms);
  lines.push_back(dump_json(interval));
  for (const ReportedStatement& s : report.statements) {
    Json line = line_head("statement", report);
    const Json body = statement_json(s);
    for (auto field = body.begin(); field != body.end(); ++field) line[field.key()] = field.value();
    lines.push_back(dump_json(line));
  }
  return lines;
}

std::string dump_json(const Json& document) { return document.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace pgvigil::queries
