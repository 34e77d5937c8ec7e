// Shared by the statement-statistics acceptance tests: a daemon sampling pg_stat_statements
// every second, and readers of what it serves (/queries) and writes (the slow-query log) summed
// per query text across intervals, since a workload may straddle two of them.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "daemon_under_test.h"

namespace pgvigil::acceptance {

// The cache_hit check swings with whatever a test just did; nothing here is about it.
inline DaemonConfig sampling_every_second(DaemonConfig config, const std::string& slow_threshold = "30ms") {
  config.queries = "{ statements_interval: 1s, slow_threshold: " + slow_threshold +
                   ", top_n: 10, cancel: { mode: off } }";
  config.checks["cache_hit"] = "{ enabled: false }";
  return config;
}

// Every statement object of a list of intervals (GET /queries) or of log lines.
struct StatementSum {
  long long calls = 0;
  double total_ms = 0;
  int entries = 0;
  bool all_slow = true;
  std::vector<Json> seen;
};

inline void add_statement(StatementSum& sum, const Json& statement) {
  sum.calls += statement.value("calls", 0LL);
  sum.total_ms += statement.value("total_ms", 0.0);
  sum.all_slow = sum.all_slow && statement.value("slow", false);
  ++sum.entries;
  sum.seen.push_back(statement);
}

// The member's intervals in /queries, newest first.
inline Json intervals_of(const DaemonUnderTest& daemon, const std::string& member) {
  const Json doc = daemon.get("/queries?cluster=c&member=" + member).json();
  return doc.is_object() && doc.contains("intervals") ? doc["intervals"] : Json::array();
}

inline StatementSum sum_in_intervals(const Json& intervals, const std::string& query) {
  StatementSum sum;
  for (const auto& interval : intervals) {
    for (const auto& statement : interval["statements"]) {
      if (statement.value("query", "") == query) add_statement(sum, statement);
    }
  }
  return sum;
}

inline std::vector<Json> log_lines(const TempDir& dir) {
  std::ifstream in(dir / "state/slow-queries.jsonl");
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line, nullptr, false));
  return lines;
}

inline StatementSum sum_in_log(const std::vector<Json>& lines, const std::string& member, const std::string& query) {
  StatementSum sum;
  for (const auto& line : lines) {
    if (line.value("type", "") == "statement" && line.value("member", "") == member &&
        line.value("query", "") == query) {
      add_statement(sum, line);
    }
  }
  return sum;
}

// Waits until the member recorded an interval: its first sample, which only primes, is behind.
inline bool wait_primed(const DaemonUnderTest& daemon, const std::string& member) {
  return testing::poll_until([&] { return !intervals_of(daemon, member).empty(); }, 15s, 100ms);
}

}  // namespace pgvigil::acceptance
