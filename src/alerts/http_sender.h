// One POST of a JSON document to a sink, and what the answer means for the delivery. Blocks for
// at most about `timeout` per phase (connect, send, receive); safe from any thread, as each call
// uses its own connection.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgvigil::alerts {

using Headers = std::vector<std::pair<std::string, std::string>>;

enum class SendOutcome {
  delivered,  // 2xx: the receiver has it
  rejected,   // the receiver will never take it (4xx other than 408 and 429, a redirect, a bad URL)
  retry,      // may work later: 5xx, 408, 429, timeouts, connection and TLS errors
};

std::string_view to_string(SendOutcome outcome);

struct SendResult {
  SendOutcome outcome = SendOutcome::retry;
  int status = 0;     // HTTP status; 0 when there was no answer
  std::string error;  // short, for logs and GET /alerts; empty when delivered. Never holds the
                      // request's headers or URL, which may carry credentials.
};

// POSTs `body` as application/json to an http:// or https:// `url`. HTTPS certificates and host
// names are verified against the system's trust store. Credentials in the URL
// ("https://user:password@host/") are sent as basic authentication.
SendResult post_json(const std::string& url, const std::string& body, const Headers& headers,
                     std::chrono::milliseconds timeout);

}  // namespace pgvigil::alerts
