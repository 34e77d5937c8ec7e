#include "http/health_json.h"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/timestamp_text.h"

namespace pgvigil::http {
namespace {

// Ordered, so that documents read in the order the design lists their keys.
using Json = nlohmann::ordered_json;

std::string dump(const Json& document) {
  // Member errors carry server messages, which need not be UTF-8: replace rather than throw.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string_view to_string(pool::CircuitState state) {
  switch (state) {
    case pool::CircuitState::closed: return "closed";
    case pool::CircuitState::open: return "open";
    case pool::CircuitState::half_open: return "half_open";
  }
  return "closed";
}

Json reason_json(const health::Reason& reason) {
  return {{"check", reason.check},
          {"severity", health::to_string(reason.severity)},
          {"value", reason.value},
          {"threshold", reason.threshold},
          {"message", reason.message}};
}

Json reasons_json(const std::vector<health::Reason>& reasons) {
  Json list = Json::array();
  for (const auto& reason : reasons) list.push_back(reason_json(reason));
  return list;
}

template <class T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json replication_json(const health::ReplicationView& replication) {
  return {{"lag_seconds", optional_json(replication.lag_seconds)},
          {"lag_bytes", optional_json(replication.lag_bytes)},
          {"streaming", replication.streaming},
          {"replay_paused", replication.replay_paused},
          {"heartbeat_age_seconds", optional_json(replication.heartbeat_age_seconds)}};
}

Json connections_json(const health::ConnectionsView& connections) {
  Json by_state = Json::object();
  for (const auto& [state, count] : connections.by_state) by_state[state] = count;
  return {{"used", connections.used},
          {"max", connections.max},
          {"reserved", connections.reserved},
          {"by_state", std::move(by_state)}};
}

Json member_document(const health::MemberSnapshot& member) {
  Json out = Json::object();
  out["name"] = member.name;
  out["role"] = health::to_string(member.role);
  out["status"] = health::to_string(member.status);
  out["reachable"] = member.reachable;
  out["checked_at"] = member.checked ? Json(format_timestamp(member.checked_at)) : Json(nullptr);
  out["latency_ms"] = member.latency_ms;
  if (!member.error.empty()) out["error"] = member.error;
  out["timeline"] = member.timeline;
  out["server_version"] = member.server_version;
  out["fenced"] = member.fenced;
  out["foreign"] = member.foreign;
  out["reasons"] = reasons_json(member.reasons);
  out["recommendations"] = member.recommendations;
  if (member.role == health::MemberRole::replica) out["replication"] = replication_json(member.replication);
  if (member.connections) out["connections"] = connections_json(*member.connections);
  Json checks = Json::object();
  for (const auto& [check, value] : member.values) checks[check] = value;
  out["checks"] = std::move(checks);
  return out;
}

Json cluster_document(const health::ClusterSnapshot& cluster) {
  Json members = Json::array();
  for (const auto& member : cluster.members) members.push_back(member_document(member));
  return {{"name", cluster.name},
          {"status", health::to_string(cluster.status)},
          {"primary", optional_json(cluster.primary)},
          {"split_brain", cluster.split_brain},
          {"reasons", reasons_json(cluster.reasons)},
          {"members", std::move(members)}};
}

Json pool_json(const pool::PoolStats& pool) {
  return {{"total", pool.total},
          {"idle", pool.idle},
          {"in_use", pool.in_use},
          {"waiting", pool.waiting},
          {"max", pool.max},
          {"acquires", pool.acquires},
          {"acquire_timeouts", pool.acquire_timeouts},
          {"acquire_wait_seconds_total", pool.acquire_wait_seconds_total},
          {"connects", pool.connects},
          {"connect_failures", pool.connect_failures},
          {"validations_failed", pool.validations_failed},
          {"rotations", pool.rotations},
          {"idle_closed", pool.idle_closed},
          {"lost_detected", pool.lost_detected},
          {"circuit", to_string(pool.circuit)}};
}

std::string with_why(Json document, std::string_view why) {
  if (!why.empty()) document["why"] = why;
  return dump(document);
}

// The "why" member as with_why() adds it, last: for a dumped document whose closing brace is
// still to come. Nothing when there is no why.
void append_why(std::string& text, std::string_view why) {
  if (why.empty()) return;
  text.append(",\"why\":").append(dump(Json(why)));
}

}  // namespace

std::string format_timestamp(WallTime time) { return format_rfc3339_millis(time); }

std::string health_json(const health::Snapshot& snapshot, std::string_view why) {
  Json clusters = Json::array();
  for (const auto& cluster : snapshot.clusters) clusters.push_back(cluster_document(*cluster));
  return with_why({{"status", health::to_string(snapshot.status())},
                   {"timestamp", format_timestamp(snapshot.taken_at)},
                   {"version", snapshot.version},
                   {"clusters", std::move(clusters)}},
                  why);
}

// Spliced by hand as dump() writes the same document (no whitespace, keys in order), so that
// only the few daemon-wide values are serialized per request.
std::string health_json(const health::Snapshot& snapshot, std::span<const std::string_view> cluster_documents,
                        std::string_view why) {
  std::size_t bytes = 128 + why.size();
  for (const std::string_view document : cluster_documents) bytes += document.size() + 1;
  std::string text;
  text.reserve(bytes);
  text.append("{\"status\":").append(dump(Json(health::to_string(snapshot.status()))));
  text.append(",\"timestamp\":").append(dump(Json(format_timestamp(snapshot.taken_at))));
  text.append(",\"version\":").append(dump(Json(snapshot.version)));
  text.append(",\"clusters\":[");
  for (std::size_t i = 0; i < cluster_documents.size(); ++i) {
    if (i > 0) text.push_back(',');
    text.append(cluster_documents[i]);
  }
  text.push_back(']');
  append_why(text, why);
  text.push_back('}');
  return text;
}

std::string cluster_json(std::string_view cluster_document, std::string_view why) {
  if (why.empty()) return std::string(cluster_document);
  std::string text(cluster_document.substr(0, cluster_document.size() - 1));  // without its closing brace
  append_why(text, why);
  text.push_back('}');
  return text;
}

std::string cluster_json(const health::ClusterSnapshot& cluster, std::string_view why) {
  return with_why(cluster_document(cluster), why);
}

std::string member_json(const health::MemberSnapshot& member, std::string_view why) {
  return with_why(member_document(member), why);
}

std::string stats_json(const health::Snapshot& snapshot) {
  Json clusters = Json::array();
  for (const auto& cluster : snapshot.clusters) {
    Json members = Json::array();
    for (const auto& member : cluster->members) {
      members.push_back({{"name", member.name},
                         {"pool", pool_json(member.pool)},
                         {"database_size_bytes", optional_json(member.database_size_bytes)}});
    }
    clusters.push_back({{"name", cluster->name}, {"members", std::move(members)}});
  }
  return dump({{"timestamp", format_timestamp(snapshot.taken_at)}, {"clusters", std::move(clusters)}});
}

std::string status_json(std::string_view status, std::string_view why) {
  return with_why({{"status", status}}, why);
}

std::string error_json(std::string_view message) { return dump({{"error", message}}); }

}  // namespace pgvigil::http
