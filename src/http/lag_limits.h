// Reads a replica probe's lag limits from its query string (?max_lag=16MB&max_lag_s=10), over
// the cluster's configured defaults. Pure functions; safe from any thread.
#pragma once

#include <expected>
#include <map>
#include <string>
#include <string_view>

#include "http/probe_rules.h"

namespace pgvigil::http {

// A size with a unit ("16MB", "512kB") or a plain count of bytes ("16777216").
std::expected<double, std::string> parse_max_lag_bytes(std::string_view text);

// Seconds as a plain number ("10", "2.5") or a duration with a unit ("10s", "500ms", "1m").
std::expected<double, std::string> parse_max_lag_seconds(std::string_view text);

// `defaults` with max_lag and max_lag_s from `query` applied where present. The error names the
// parameter and what it accepts, ready for a 400 answer.
std::expected<LagLimits, std::string> lag_limits_from_query(const std::map<std::string, std::string>& query,
                                                            LagLimits defaults);

}  // namespace pgvigil::http
