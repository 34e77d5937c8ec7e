#include "alerts/delivery_target.h"

#include "alerts/hmac_signature.h"
#include "alerts/sink_url.h"

namespace pgvigil::alerts {

std::string target_key(std::string_view sink, std::size_t index) {
  return std::string(sink) + "#" + std::to_string(index);
}

std::string post_url(const Target& target) {
  if (target.type == config::SinkType::alertmanager) return join_url_path(target.url, kAlertmanagerPath);
  return target.url;
}

std::expected<std::vector<Target>, std::string> targets_from_config(const config::AlertsConfig& alerts) {
  std::vector<Target> targets;
  for (const config::SinkConfig& sink : alerts.sinks) {
    Target target;
    target.sink = sink.name;
    target.type = sink.type;
    target.timeout = sink.timeout;
    for (const auto& [name, value] : sink.headers) target.headers.emplace_back(name, value);
    if (!sink.secret_file.empty()) {
      auto secret = read_secret_file(sink.secret_file);
      if (!secret) return std::unexpected("alerts sink " + sink.name + ": " + secret.error());
      target.secret = std::move(*secret);
    }
    if (sink.type == config::SinkType::alertmanager) {
      for (const std::string& url : sink.urls) {
        target.url = url;
        targets.push_back(target);
      }
    } else {
      target.url = sink.url;
      targets.push_back(std::move(target));
    }
  }
  return targets;
}

}  // namespace pgvigil::alerts
