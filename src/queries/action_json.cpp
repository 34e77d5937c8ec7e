#include "queries/action_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "util/timestamp_text.h"

namespace pgvigil::queries {
namespace {

using Json = nlohmann::ordered_json;

double millis_rounded(double seconds) { return std::round(seconds * 1000) / 1000; }

Json optional_time(const std::optional<WallTime>& time) {
  return time ? Json(format_rfc3339_millis(*time)) : Json(nullptr);
}

Json signal_json(const SignalOutcome& signal) {
  Json out{{"executed", signal.executed}, {"result", signal.result ? Json(*signal.result) : Json(nullptr)}};
  if (!signal.error.empty()) out["error"] = signal.error;
  return out;
}

Json node_json(const BlockingNode& node) {
  return Json{{"pid", node.pid},
              {"depth", node.depth},
              {"user", node.user},
              {"database", node.database},
              {"application", node.application},
              {"backend_type", node.backend_type},
              {"state", node.state},
              {"wait_event_type", node.wait_event_type},
              {"wait_event", node.wait_event},
              {"query_seconds", node.query_seconds ? Json(millis_rounded(*node.query_seconds)) : Json(nullptr)},
              {"query", node.query},
              {"query_truncated", node.query_truncated},
              {"blocked_by", node.blocked_by}};
}

Json tree_json(const std::optional<BlockingTree>& tree) {
  if (!tree) return nullptr;
  Json sessions = Json::array();
  for (const auto& node : tree->sessions) sessions.push_back(node_json(node));
  return Json{{"sessions", std::move(sessions)}, {"truncated", tree->truncated}};
}

}  // namespace

std::string action_json(const ActionRecord& record) {
  const CancelDecision& d = record.decision;
  const SessionAudit& s = d.session;
  Json out{{"id", record.id},
           {"time", format_rfc3339_millis(record.at)},
           {"cluster", record.cluster},
           {"member", record.member},
           {"action", to_string(d.action)},
           {"mode", to_string(d.mode)},
           {"reason", to_string(d.reason)},
           {"intended", to_string(d.intended)},
           {"limit", to_string(d.limit)},
           {"pid", s.pid},
           {"backend_start", format_rfc3339_millis(s.backend_start)},
           {"query_start", optional_time(s.query_start)},
           {"user", s.user},
           {"database", s.database},
           {"application", s.application},
           {"client_addr", s.client_addr},
           {"state", s.state},
           {"duration_seconds", millis_rounded(s.duration_seconds)},
           {"query", s.query},
           {"query_truncated", s.query_truncated},
           {"blocks", s.blocks},
           {"blocked_by", s.blocked_by},
           {"signal", signal_json(record.signal)},
           {"blocking_tree", tree_json(record.blocking_tree)}};
  if (!record.blocking_tree_error.empty()) out["blocking_tree_error"] = record.blocking_tree_error;
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace pgvigil::queries
