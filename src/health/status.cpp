#include "health/status.h"

#include <algorithm>

namespace pgvigil::health {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::healthy: return "healthy";
    case Status::degraded: return "degraded";
    case Status::unhealthy: return "unhealthy";
  }
  return "unhealthy";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "warning";
}

Status status_for(Severity severity) {
  switch (severity) {
    case Severity::info: return Status::healthy;
    case Severity::warning: return Status::degraded;
    case Severity::critical: return Status::unhealthy;
  }
  return Status::degraded;
}

void Evaluation::add(Reason reason, std::string recommendation) {
  status = std::max(status, status_for(reason.severity));
  reasons.push_back(std::move(reason));
  if (!recommendation.empty() && std::ranges::find(recommendations, recommendation) == recommendations.end()) {
    recommendations.push_back(std::move(recommendation));
  }
}

}  // namespace pgvigil::health
