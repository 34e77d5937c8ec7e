// Where notifications go: one Target per receiver URL. A webhook sink is one target; an
// Alertmanager sink is one target per URL of its cluster, because Alertmanager replicas do not
// forward alerts to each other and each must get every notification. Pure data and functions,
// except targets_from_config(), which reads secret files.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/http_sender.h"
#include "config/config.h"

namespace pgvigil::alerts {

inline constexpr std::string_view kAlertmanagerPath = "/api/v2/alerts";

struct Target {
  std::string sink;                                  // the sink's configured name
  config::SinkType type = config::SinkType::webhook;
  std::string url;                                   // alertmanager: its base URL
  Headers headers;                                   // sent with every POST (e.g. Authorization)
  std::string secret;                                // webhook signing secret; empty = unsigned
  std::chrono::milliseconds timeout{5000};           // per connect, send and receive
};

// The name a target's deliveries carry in the spool: "<sink>#<n>" for the sink's n-th URL
// (counting from 0). Stable across restarts as long as the sink keeps its name and URL order.
std::string target_key(std::string_view sink, std::size_t index);

// Where a POST for `target` goes: an Alertmanager's alerts endpoint, or the webhook URL as is.
std::string post_url(const Target& target);

// The targets of every configured sink, secrets read. An error names the secret file that could
// not be read.
std::expected<std::vector<Target>, std::string> targets_from_config(const config::AlertsConfig& alerts);

}  // namespace pgvigil::alerts
