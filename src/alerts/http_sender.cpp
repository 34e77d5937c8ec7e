// The client side of cpp-httplib, kept to this one file as the server side is to src/http.
#include "alerts/http_sender.h"

#include <httplib.h>

#include <memory>

#include "alerts/sink_url.h"

namespace pgvigil::alerts {
namespace {

// Enough of an error answer to tell "invalid alert" from "wrong path" in a log line.
constexpr std::size_t kBodyExcerptBytes = 160;

std::string excerpt(const std::string& body) {
  std::string out;
  for (const char c : body.substr(0, kBodyExcerptBytes)) {
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  if (body.size() > kBodyExcerptBytes) out += "...";
  return out;
}

SendOutcome classify(int status) {
  if (status >= 200 && status < 300) return SendOutcome::delivered;
  // Request Timeout and Too Many Requests ask the client to come back later.
  if (status == 408 || status == 429) return SendOutcome::retry;
  if (status >= 500 || status < 200) return SendOutcome::retry;
  return SendOutcome::rejected;  // 4xx: sending the same body again cannot help; 3xx: not followed
}

std::unique_ptr<httplib::ClientImpl> make_client(const SinkUrl& url) {
  if (!url.https) return std::make_unique<httplib::ClientImpl>(url.host, url.port);
  auto client = std::make_unique<httplib::SSLClient>(url.host, url.port);
  // The library's default already, stated so that nobody turns it off by accident: alerts can
  // carry tokens and must reach the real receiver.
  client->enable_server_certificate_verification(true);
  return client;
}

// The library's names ("Connection", "Read") are terse for a log line read at 3 am.
std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection: return "cannot connect";
    case httplib::Error::ConnectionTimeout: return "connect timed out";
    case httplib::Error::Read: return "no answer (read failed or timed out)";
    case httplib::Error::Write: return "cannot send (write failed or timed out)";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLServerVerification: return "TLS certificate verification failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load the trusted CA certificates";
    default: return "request failed: " + httplib::to_string(error);
  }
}

}  // namespace

std::string_view to_string(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::delivered: return "delivered";
    case SendOutcome::rejected: return "rejected";
    case SendOutcome::retry: return "retry";
  }
  return "unknown";
}

SendResult post_json(const std::string& url, const std::string& body, const Headers& headers,
                     std::chrono::milliseconds timeout) {
  const auto parsed = parse_sink_url(url);
  if (!parsed) return {SendOutcome::rejected, 0, "not a valid http:// or https:// URL"};

  auto client = make_client(*parsed);
  client->set_connection_timeout(timeout);
  client->set_read_timeout(timeout);
  client->set_write_timeout(timeout);
  client->set_keep_alive(false);
  client->set_follow_location(false);
  if (!parsed->user.empty() || !parsed->password.empty()) client->set_basic_auth(parsed->user, parsed->password);

  httplib::Headers wire_headers;
  wire_headers.emplace("User-Agent", "pgvigil/" PGVIGIL_VERSION);
  for (const auto& [name, value] : headers) wire_headers.emplace(name, value);

  const httplib::Result result = client->Post(parsed->path, wire_headers, body, "application/json");
  if (!result) return {SendOutcome::retry, 0, describe(result.error())};
  const int status = result->status;
  const SendOutcome outcome = classify(status);
  if (outcome == SendOutcome::delivered) return {outcome, status, {}};
  std::string error = "HTTP " + std::to_string(status);
  if (!result->body.empty()) error += ": " + excerpt(result->body);
  return {outcome, status, std::move(error)};
}

}  // namespace pgvigil::alerts
