// Interval reports as JSON, for the slow-query log (one object a line) and for GET /queries.
// Both use the same statement object, so a line in the log and an entry of the API read alike.
// queryids are strings: they are 64-bit and JSON readers (jq, JavaScript) keep 53 bits.
// Text that is not valid UTF-8 (a server in another encoding) gets replacement characters.
// Pure functions; any thread.
//
//   statement:      {"queryid","user","database","toplevel","slow","top","origin","calls","total_ms",
//                    "mean_ms","max_ms"(null when unknown),"rows","shared_blks_hit","shared_blks_read",
//                    "temp_blks_read","temp_blks_written","wal_bytes","query"}
//   recommendation: {"kind","queryid"|"table","query"(with queryid),"message","evidence":{name: number}}
//   interval:       {"cluster","member","start","end","seconds","reset_detected","evicted","created",
//                    "restarted","gone","active","slow","omitted","hidden","totals":{...},
//                    "statements":[statement...],"recommendations":[recommendation...]}
//   log lines:      {"type":"interval","interval_start","interval_end","cluster","member",
//                    "reset_detected","evicted","active","slow","logged","omitted","hidden","calls",
//                    "total_ms"} and then per statement
//                   {"type":"statement","interval_start","interval_end","cluster","member",statement...}
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "queries/interval_report.h"

namespace pgvigil::queries {

nlohmann::ordered_json statement_json(const ReportedStatement& statement);
nlohmann::ordered_json recommendation_json(const Recommendation& recommendation);
nlohmann::ordered_json interval_json(const IntervalReport& report);
std::string interval_json_text(const IntervalReport& report);  // interval_json, serialised

// `text` as a JSON string literal: quoted, escaped, invalid UTF-8 replaced.
std::string json_literal(std::string_view text);

// The slow-query log's lines for one interval, without newlines: the interval first, then each
// reported statement, heaviest first.
std::vector<std::string> slow_log_lines(const IntervalReport& report);

// Serialises without throwing on invalid UTF-8.
std::string dump_json(const nlohmann::ordered_json& document);

}  // namespace pgvigil::queries
