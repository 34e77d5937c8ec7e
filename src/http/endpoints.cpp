#include "http/endpoints.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "http/actions_json.h"
#include "http/alerts_json.h"
#include "http/bearer_auth.h"
#include "http/health_json.h"
#include "http/lag_limits.h"
#include "http/probe_rules.h"

namespace pgvigil::http {
namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Response unknown_cluster(std::string_view cluster) { return error_response(404, "unknown cluster " + quoted(cluster)); }

Response unknown_member(std::string_view cluster, std::string_view member) {
  return error_response(404, "unknown member " + quoted(member) + " in cluster " + quoted(cluster));
}

// A probe answers with the JSON of what it judged, plus "why" when it says no.
Response probe_response(const ProbeResult& result, const health::MemberSnapshot& member) {
  return json_response(result.status, member_json(member, result.why));
}

Response probe_response(const ProbeResult& result, const ClusterJson& cluster) {
  return json_response(result.status, cluster_json(cluster.text, result.why));
}

std::optional<std::string_view> header(const Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    const bool same = std::ranges::equal(key, name, [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return value;
  }
  return std::nullopt;
}

}  // namespace

Response json_response(int status, std::string body) {
  return {status, std::string(kJsonContentType), std::move(body), {}};
}

Response error_response(int status, std::string_view message) { return json_response(status, error_json(message)); }

Response health_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents) {
  const ProbeResult result = overall_health(snapshot);
  const std::vector<ClusterJsonPtr> clusters = documents.documents(snapshot);
  std::vector<std::string_view> texts;
  texts.reserve(clusters.size());
  for (const ClusterJsonPtr& cluster : clusters) texts.emplace_back(cluster->text);
  return json_response(result.status, health_json(snapshot, texts, result.why));
}

Response cluster_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents,
                          std::string_view cluster_name) {
  const health::ClusterSnapshotPtr cluster = snapshot.shared_cluster(cluster_name);
  if (cluster == nullptr) return unknown_cluster(cluster_name);
  return probe_response(cluster_health(*cluster), *documents.document(cluster));
}

Response cluster_primary_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents,
                                  std::string_view cluster_name) {
  const health::ClusterSnapshotPtr cluster = snapshot.shared_cluster(cluster_name);
  if (cluster == nullptr) return unknown_cluster(cluster_name);
  const ProbeResult result = cluster_primary(*cluster);
  // On success the primary is a member (cluster_primary checks it); on failure there may be no
  // primary to show, and the cluster's own reasons (no_primary, split_brain) say the most.
  if (result.ok()) return probe_response(result, *cluster->member(*cluster->primary));
  return probe_response(result, *documents.document(cluster));
}

Response member_primary_endpoint(const health::Snapshot& snapshot, std::string_view cluster_name,
                                 std::string_view member_name) {
  const health::ClusterSnapshot* cluster = snapshot.cluster(cluster_name);
  if (cluster == nullptr) return unknown_cluster(cluster_name);
  const health::MemberSnapshot* member = cluster->member(member_name);
  if (member == nullptr) return unknown_member(cluster_name, member_name);
  return probe_response(member_primary(*cluster, *member), *member);
}

Response member_replica_endpoint(const health::Snapshot& snapshot, std::string_view cluster_name,
                                 std::string_view member_name, const std::map<std::string, std::string>& query) {
  const health::ClusterSnapshot* cluster = snapshot.cluster(cluster_name);
  if (cluster == nullptr) return unknown_cluster(cluster_name);
  const health::MemberSnapshot* member = cluster->member(member_name);
  if (member == nullptr) return unknown_member(cluster_name, member_name);
  auto limits = lag_limits_from_query(query, default_lag_limits(snapshot, cluster_name));
  if (!limits) return error_response(400, limits.error());
  return probe_response(member_replica(*member, *limits), *member);
}

Response livez_endpoint(const health::Snapshot& snapshot) {
  if (snapshot.live) return json_response(200, status_json("ok"));
  return json_response(503, status_json("failing", "worker loops have stopped advancing"));
}

Response readyz_endpoint(const health::Snapshot& snapshot) {
  if (snapshot.ready) return json_response(200, status_json("ok"));
  return json_response(503, status_json("failing", "the first health cycle has not completed everywhere"));
}

Response stats_endpoint(const health::Snapshot& snapshot) { return json_response(200, stats_json(snapshot)); }

Response actions_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query) {
  const auto limit = actions_limit(query, snapshot);
  if (!limit) return error_response(400, limit.error());
  return json_response(200, actions_json(snapshot, *limit));
}

Response alerts_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query) {
  return json_response(200, alerts_json(snapshot, query));
}

Response metrics_endpoint(const Hooks& hooks) {
  if (!hooks.metrics_text) return error_response(404, "metrics are not available");
  return {200, std::string(kMetricsContentType), hooks.metrics_text(), {}};
}

Response reload_endpoint(const Request& request, const Hooks& hooks) {
  switch (check_bearer(header(request, "Authorization"), hooks.admin_token)) {
    case BearerCheck::disabled:
      return error_response(403, "POST endpoints are disabled: set http.admin_token_file to enable them");
    case BearerCheck::missing: {
      Response response = error_response(401, "missing bearer token");
      response.headers.emplace("WWW-Authenticate", "Bearer");
      return response;
    }
    case BearerCheck::wrong:
      return error_response(403, "invalid token");
    case BearerCheck::allowed:
      break;
  }
  if (!hooks.reload) return error_response(503, "reload is not available");
  auto [ok, message] = hooks.reload();
  if (!ok) return error_response(500, message.empty() ? "reload failed" : message);
  return json_response(200, status_json("ok"));
}

}  // namespace pgvigil::http
