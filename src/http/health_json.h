// The JSON documents the HTTP endpoints answer with, rendered from snapshots. Pure functions that
// return finished text, so that no caller needs the JSON library; safe from any thread.
//
// Shapes (keys in this order):
//   health:  {"status","timestamp","version","clusters":[cluster...]}
//   cluster: {"name","status","primary"(null when none),"split_brain","reasons","members":[member...]}
//   member:  {"name","role","status","reachable","checked_at"(null before the first check),
//             "latency_ms","error"(only when set),"timeline","server_version","fenced","foreign",
//             "reasons":[{"check","severity","value","threshold","message"}],"recommendations",
//             "replication"(replicas only),"connections"(when known),"checks":{check: value}}
//   stats:   {"timestamp","clusters":[{"name","members":[{"name","pool":{...},"database_size_bytes"}]}]}
// Any document may end with "why": the reason a probe answered 503. Text that is not valid
// UTF-8 (a server message in another encoding) is rendered with replacement characters.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "health/snapshot.h"
#include "util/clock.h"

namespace pgvigil::http {

// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string format_timestamp(WallTime time);

std::string health_json(const health::Snapshot& snapshot, std::string_view why = {});
std::string cluster_json(const health::ClusterSnapshot& cluster, std::string_view why = {});
std::string member_json(const health::MemberSnapshot& member, std::string_view why = {});
std::string stats_json(const health::Snapshot& snapshot);

// The same documents from cluster documents rendered before by cluster_json(cluster) (see
// cluster_json_cache.h), so that a cluster is not rendered again while its snapshot stays the
// same: byte for byte what health_json(snapshot, why) and cluster_json(cluster, why) return.
// `cluster_documents` has one document per cluster of `snapshot`, in its order.
std::string health_json(const health::Snapshot& snapshot, std::span<const std::string_view> cluster_documents,
                        std::string_view why = {});
std::string cluster_json(std::string_view cluster_document, std::string_view why);

// {"status": status} and, when given, "why".
std::string status_json(std::string_view status, std::string_view why = {});

// {"error": message}: the body of every 4xx and 5xx that is not a probe answer.
std::string error_json(std::string_view message);

}  // namespace pgvigil::http
