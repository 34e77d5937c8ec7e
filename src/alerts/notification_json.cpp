#include "alerts/notification_json.h"

#include <nlohmann/json.hpp>

#include "util/timestamp_text.h"

namespace pgvigil::alerts {
namespace {

using Json = nlohmann::ordered_json;

// Go's zero time, which Alertmanager writes for "not ended".
constexpr std::string_view kNotEnded = "0001-01-01T00:00:00Z";

Json object_of(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

std::string alertmanager_body(const std::vector<Notice>& notices) {
  Json out = Json::array();
  for (const auto& notice : notices) {
    Json alert{{"labels", object_of(notice.labels)},
               {"annotations", object_of(notice.annotations)},
               {"startsAt", format_rfc3339_millis(notice.starts_at)}};
    if (notice.ends_at) alert["endsAt"] = format_rfc3339_millis(*notice.ends_at);
    alert["generatorURL"] = notice.generator_url;
    out.push_back(std::move(alert));
  }
  return dump(out);
}

std::string webhook_body(const Notification& notification, std::string_view receiver) {
  Json alerts = Json::array();
  for (const auto& notice : notification.alerts) {
    const bool resolved = notice.status == NoticeStatus::resolved;
    alerts.push_back(Json{
        {"status", to_string(notice.status)},
        {"labels", object_of(notice.labels)},
        {"annotations", object_of(notice.annotations)},
        {"startsAt", format_rfc3339_millis(notice.starts_at)},
        {"endsAt", resolved && notice.ends_at ? format_rfc3339_millis(*notice.ends_at) : std::string(kNotEnded)},
        {"generatorURL", notice.generator_url},
        {"fingerprint", notice.fingerprint}});
  }
  const Json out{{"version", "1"},
                 {"status", to_string(notification.status)},
                 {"receiver", receiver},
                 {"groupLabels", object_of(notification.group_labels)},
                 {"commonLabels", object_of(common_labels(notification.alerts))},
                 {"commonAnnotations", object_of(common_annotations(notification.alerts))},
                 {"externalURL", notification.external_url},
                 {"alerts", std::move(alerts)}};
  return dump(out);
}

}  // namespace pgvigil::alerts
