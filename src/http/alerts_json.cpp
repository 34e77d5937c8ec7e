#include "http/alerts_json.h"

#include <nlohmann/json.hpp>

#include "alerts/alerts_view.h"
#include "util/timestamp_text.h"

namespace pgvigil::http {
namespace {

using Json = nlohmann::ordered_json;

Json time_or_null(const std::optional<WallTime>& time) {
  return time ? Json(format_rfc3339_millis(*time)) : Json(nullptr);
}

Json alert_json(const alerts::ActiveAlert& alert) {
  return {{"fingerprint", alert.fingerprint},
          {"state", to_string(alert.state)},
          {"since", format_rfc3339_millis(alert.since)},
          {"firing_since", time_or_null(alert.firing_since)},
          {"last_sent", time_or_null(alert.last_sent)},
          {"labels", alert.labels},
          {"annotations", alert.annotations},
          {"generator_url", alert.generator_url}};
}

Json sinks_json(const alerts::DispatcherStats& delivery) {
  Json sinks = Json::array();
  for (const auto& sink : delivery.sinks) {
    Json targets = Json::array();
    for (const auto& target : delivery.targets) {
      if (target.sink != sink.sink) continue;
      targets.push_back({{"target", target.target},
                         {"queue_depth", target.queue_depth},
                         {"last_attempt", time_or_null(target.last_attempt)},
                         {"last_success", time_or_null(target.last_success)},
                         {"last_error", target.last_error},
                         {"consecutive_failures", target.consecutive_failures}});
    }
    sinks.push_back({{"name", sink.sink},
                     {"delivered", sink.delivered},
                     {"rejected", sink.rejected},
                     {"retried", sink.retried},
                     {"dropped", sink.dropped},
                     {"queue_depth", sink.queue_depth},
                     {"targets", std::move(targets)}});
  }
  return sinks;
}

}  // namespace

std::string alerts_json(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query) {
  static const alerts::AlertsView kNoEngine;
  const alerts::AlertsView& view = snapshot.alerts ? *snapshot.alerts : kNoEngine;
  const auto cluster = query.find("cluster");
  Json alerts = Json::array();
  std::size_t firing = 0;
  std::size_t pending = 0;
  for (const auto& alert : view.active) {
    if (cluster != query.end()) {
      const auto label = alert.labels.find("cluster");
      if (label == alert.labels.end() || label->second != cluster->second) continue;
    }
    (alert.state == alerts::AlertState::firing ? firing : pending) += 1;
    alerts.push_back(alert_json(alert));
  }
  const Json body = {{"evaluated_at", time_or_null(view.evaluated_at)},
                     {"firing", firing},
                     {"pending", pending},
                     {"alerts", std::move(alerts)},
                     {"sinks", sinks_json(view.delivery)},
                     {"queue_depth", view.delivery.queue_depth},
                     {"dropped_total", view.delivery.dropped_total},
                     {"spool_bytes", view.delivery.spool_bytes},
                     {"spool_live_bytes", view.delivery.spool_live_bytes},
                     {"spool_max_bytes", view.spool_max_bytes},
                     {"spool_durable", view.delivery.spool_durable}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace pgvigil::http
