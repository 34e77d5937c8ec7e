#include "http/router.h"

#include <optional>
#include <string_view>
#include <vector>

#include "http/endpoints.h"
#include "http/queries_endpoint.h"

namespace pgvigil::http {
namespace {

enum class Endpoint {
  health, cluster, cluster_primary, member_primary, member_replica, livez, readyz, metrics, stats, reload, actions,
  queries, alerts
};

struct Match {
  Endpoint endpoint;
  std::string_view cluster;
  std::string_view member;
};

// "/clusters/main/primary" → {"clusters", "main", "primary"}. An empty segment (a doubled or
// trailing slash) is kept, so such paths match nothing rather than something by accident.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.starts_with('/')) return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::optional<Match> match(std::string_view path) {
  const auto s = split_path(path);
  const auto named = [](std::string_view segment) { return !segment.empty(); };
  if (s.size() == 1) {
    if (s[0] == "health") return Match{Endpoint::health, {}, {}};
    if (s[0] == "livez") return Match{Endpoint::livez, {}, {}};
    if (s[0] == "readyz") return Match{Endpoint::readyz, {}, {}};
    if (s[0] == "metrics") return Match{Endpoint::metrics, {}, {}};
    if (s[0] == "stats") return Match{Endpoint::stats, {}, {}};
    if (s[0] == "actions") return Match{Endpoint::actions, {}, {}};
    if (s[0] == "queries") return Match{Endpoint::queries, {}, {}};
    if (s[0] == "alerts") return Match{Endpoint::alerts, {}, {}};
  }
  if (s.size() == 2 && s[0] == "-" && s[1] == "reload") return Match{Endpoint::reload, {}, {}};
  if (s.size() < 2 || s[0] != "clusters" || !named(s[1])) return std::nullopt;
  if (s.size() == 2) return Match{Endpoint::cluster, s[1], {}};
  if (s.size() == 3 && s[2] == "primary") return Match{Endpoint::cluster_primary, s[1], {}};
  if (s.size() == 5 && s[2] == "members" && named(s[3])) {
    if (s[4] == "primary") return Match{Endpoint::member_primary, s[1], s[3]};
    if (s[4] == "replica") return Match{Endpoint::member_replica, s[1], s[3]};
  }
  return std::nullopt;
}

bool method_allowed(Endpoint endpoint, std::string_view method) {
  if (endpoint == Endpoint::reload) return method == "POST";
  return method == "GET" || method == "HEAD";
}

Response method_not_allowed(Endpoint endpoint) {
  Response response = error_response(405, "method not allowed");
  response.headers.emplace("Allow", endpoint == Endpoint::reload ? "POST" : "GET, HEAD");
  return response;
}

health::SnapshotPtr current_snapshot(const Hooks& hooks) {
  health::SnapshotPtr snapshot = hooks.snapshot ? hooks.snapshot() : nullptr;
  // Before anything is published, answer as for a daemon that knows nothing yet: alive, not ready.
  static const health::SnapshotPtr kNothingYet = std::make_shared<const health::Snapshot>();
  return snapshot ? snapshot : kNothingYet;
}

Response dispatch(const Match& target, const Request& request, const Hooks& hooks) {
  if (target.endpoint == Endpoint::reload) return reload_endpoint(request, hooks);
  if (target.endpoint == Endpoint::metrics) return metrics_endpoint(hooks);
  const health::SnapshotPtr snapshot = current_snapshot(hooks);
  switch (target.endpoint) {
    case Endpoint::health: return health_endpoint(*snapshot, *hooks.cluster_json);
    case Endpoint::cluster: return cluster_endpoint(*snapshot, *hooks.cluster_json, target.cluster);
    case Endpoint::cluster_primary: return cluster_primary_endpoint(*snapshot, *hooks.cluster_json, target.cluster);
    case Endpoint::member_primary: return member_primary_endpoint(*snapshot, target.cluster, target.member);
    case Endpoint::member_replica:
      return member_replica_endpoint(*snapshot, target.cluster, target.member, request.query);
    case Endpoint::livez: return livez_endpoint(*snapshot);
    case Endpoint::readyz: return readyz_endpoint(*snapshot);
    case Endpoint::stats: return stats_endpoint(*snapshot);
    case Endpoint::actions: return actions_endpoint(*snapshot, request.query);
    case Endpoint::queries: return queries_endpoint(*snapshot, request.query);
    case Endpoint::alerts: return alerts_endpoint(*snapshot, request.query);
    case Endpoint::metrics:
    case Endpoint::reload: break;
  }
  return error_response(500, "unrouted endpoint");
}

}  // namespace

Response route(const Request& request, const Hooks& hooks) {
  const auto target = match(request.path);
  if (!target) return error_response(404, "not found");
  if (!method_allowed(target->endpoint, request.method)) return method_not_allowed(target->endpoint);
  Response response = dispatch(*target, request, hooks);
  if (request.method == "HEAD") response.body.clear();
  return response;
}

}  // namespace pgvigil::http
