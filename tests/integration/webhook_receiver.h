// A webhook receiver for the alert tests: an HTTP server on 127.0.0.1 that answers 500 while
// told to fail and 200 otherwise, and keeps every request it accepted (body, signature headers,
// and whether the signature verified). The signature is checked here with OpenSSL directly, not
// with the daemon's own code, so a wrong signer cannot pass its own test.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace pgvigil::acceptance {

struct ReceivedHook {
  std::string body;
  std::string timestamp;  // X-Pgvigil-Timestamp
  std::string signature;  // X-Pgvigil-Signature
  bool signature_valid = false;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

inline std::string hex_hmac_sha256(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string secret = "") : secret_(std::move(secret)) {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      ++attempts_;
      if (failing_) {
        response.status = 500;
        return;
      }
      ReceivedHook hook{request.body, request.get_header_value("X-Pgvigil-Timestamp"),
                        request.get_header_value("X-Pgvigil-Signature"), false};
      hook.signature_valid =
          !secret_.empty() && hook.signature == "sha256=" + hex_hmac_sha256(secret_, hook.timestamp + "." + hook.body);
      {
        std::lock_guard lock(mutex_);
        accepted_.push_back(std::move(hook));
      }
      response.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the webhook receiver cannot listen on 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void set_failing(bool failing) { failing_ = failing; }
  int attempts() const { return attempts_; }

  std::vector<ReceivedHook> accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
  }

 private:
  std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::atomic<bool> failing_{false};
  std::atomic<int> attempts_{0};
  mutable std::mutex mutex_;
  std::vector<ReceivedHook> accepted_;
  std::thread thread_;
};

}  // namespace pgvigil::acceptance
