// One function per endpoint, each turning a snapshot (and the request's parameters) into a
// complete Response. Path matching and method checks happen before, in router.cpp. Pure
// functions apart from the hooks they call; safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "health/snapshot.h"
#include "http/cluster_json_cache.h"
#include "http/router.h"

namespace pgvigil::http {

Response json_response(int status, std::string body);
Response error_response(int status, std::string_view message);

// These three answer with cluster documents from `documents`, rendered only for clusters whose
// snapshot changed since.
Response health_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents);
Response cluster_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents, std::string_view cluster);
Response cluster_primary_endpoint(const health::Snapshot& snapshot, ClusterJsonCache& documents,
                                  std::string_view cluster);
Response member_primary_endpoint(const health::Snapshot& snapshot, std::string_view cluster, std::string_view member);
Response member_replica_endpoint(const health::Snapshot& snapshot, std::string_view cluster, std::string_view member,
                                 const std::map<std::string, std::string>& query);
Response livez_endpoint(const health::Snapshot& snapshot);
Response readyz_endpoint(const health::Snapshot& snapshot);
Response stats_endpoint(const health::Snapshot& snapshot);
Response actions_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query);
Response alerts_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query);
Response metrics_endpoint(const Hooks& hooks);
Response reload_endpoint(const Request& request, const Hooks& hooks);

}  // namespace pgvigil::http
