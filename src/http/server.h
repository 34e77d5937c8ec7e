// The HTTP(S) listener: serves the API of http/router.h. One thread (connection_loop.h) does all
// the network waiting; a bounded pool of workers only routes whole requests and renders answers,
// so slow or hostile clients cannot hold a worker. start() binds before it returns, so a bad
// address or certificate fails start-up, and port() is known at once (useful with port 0). stop()
// and the destructor stop accepting, let answers in progress be made and sent (for up to
// kTimeoutSeconds) and join every thread. stop() and port() may be called from any thread but a
// worker's: stop() waits for the workers, so a hook that stops the server it runs in would wait for
// itself. stop() is idempotent. The Hooks are called on the worker threads, concurrently.
#pragma once

#include <cstddef>
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
  // tls.cert_file and tls.key_file are set. `threads` bounds the requests routed at once, not the
  // connections: a connection holds a worker only while its whole request is being answered.
  static std::expected<std::unique_ptr<HttpServer>, std::string> start(const config::HttpConfig& config, Hooks hooks,
                                                                       int threads = 8);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;   // the bound port, also when the config asked for 0
  bool tls() const;   // whether this is an HTTPS listener
  std::size_t connections() const;  // client connections open now
  void stop();

  // A request (or a TLS handshake) must arrive whole within it (else 408), and an answer must make
  // progress within it.
  static constexpr int kTimeoutSeconds = 5;
  static constexpr int kKeepAliveIdleSeconds = 2;     // an idle kept-alive connection is closed after it
  static constexpr int kKeepAliveMaxRequests = 100;   // then the connection is closed
  static constexpr std::size_t kMaxPayloadBytes = 64 * 1024;
  // Past these, the connection that has waited longest on its client (of that address, or of any)
  // is dropped for the new one.
  static constexpr std::size_t kMaxConnectionsPerClient = 256;
  static constexpr std::size_t kMaxConnections = 2048;

 private:
  struct Impl;  // keeps the HTTP library out of this header
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgvigil::http
