// The vocabulary of health: a status, and the reasons behind it. Plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgvigil::health {

// Ordered: a worse status compares greater.
enum class Status { healthy = 0, degraded = 1, unhealthy = 2 };
// info: worth telling, changes no status (e.g. the monitor itself delayed a check).
enum class Severity { info, warning, critical };

std::string_view to_string(Status status);
std::string_view to_string(Severity severity);
Status status_for(Severity severity);  // info → healthy, warning → degraded, critical → unhealthy

struct Reason {
  std::string check;      // e.g. "replication_lag", "stale", "unreachable", "split_brain"
  Severity severity = Severity::warning;
  std::string value;      // as a person reads it: "14.2s", "81%", "1.2GB"
  std::string threshold;  // the limit it crossed, same units
  std::string message;    // one sentence
  double number = 0;      // the value in base units, for metrics
};

struct Evaluation {
  Status status = Status::healthy;
  std::vector<Reason> reasons;
  std::vector<std::string> recommendations;

  void add(Reason reason, std::string recommendation = {});
};

}  // namespace pgvigil::health
