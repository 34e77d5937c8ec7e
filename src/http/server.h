// The HTTP(S) listener: serves the API of http/router.h on a bounded pool of worker threads.
// start() binds before it returns, so a bad address or certificate fails start-up, and port()
// is known at once (useful with port 0). stop() and the destructor stop accepting, let
// in-flight requests finish (each bounded by the 5 s read/write timeouts) and join every thread.
// stop() and port() may be called from any thread but a worker's: stop() waits for the workers,
// so a hook that stops the server it runs in would wait for itself. stop() is idempotent. The
// Hooks are called on the worker threads, concurrently.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "config/config.h"
#include "http/router.h"

namespace pgvigil::http {

class HttpServer {
 public:
  // Reads http.admin_token_file (surrounding whitespace trimmed) into hooks.admin_token when one
  // is configured; otherwise hooks.admin_token is used as given. Serves HTTPS when both
  // tls.cert_file and tls.key_file are set. `threads` bounds concurrent connections: a kept-alive
  // connection holds its worker until it has been idle for kKeepAliveIdleSeconds.
  static std::expected<std::unique_ptr<HttpServer>, std::string> start(const config::HttpConfig& config, Hooks hooks,
                                                                       int threads = 8);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;   // the bound port, also when the config asked for 0
  bool tls() const;   // whether this is an HTTPS listener
  void stop();

  static constexpr int kTimeoutSeconds = 5;           // read and write, per request
  static constexpr int kKeepAliveIdleSeconds = 2;     // also the longest stop() waits on an idle client
  static constexpr int kKeepAliveMaxRequests = 100;   // then the connection is closed
  static constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

 private:
  struct Impl;  // keeps the HTTP library out of this header
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgvigil::http
