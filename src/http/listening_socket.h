// The HTTP listener's own pieces, made before anything is served so that start-up fails on them:
// the bound, listening socket and, for HTTPS, the TLS context. Both are the listener's to own.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "config/config.h"
#include "http/listen_address.h"

namespace pgvigil::http {

struct ListeningSocket {
  int fd = -1;
  int port = 0;  // bound; known also when port 0 was asked for

  ListeningSocket() = default;
  ListeningSocket(int fd_, int port_) : fd(fd_), port(port_) {}
  ListeningSocket(ListeningSocket&& other) noexcept;
  ListeningSocket& operator=(ListeningSocket&& other) noexcept;
  ~ListeningSocket();
};

// Binds the first of the host's addresses that takes it (so "localhost" is ::1 or 127.0.0.1),
// non-blocking, with SO_REUSEADDR for a quick restart but not SO_REUSEPORT, which would let a
// second daemon bind the same port and silently take half the probes.
std::expected<ListeningSocket, std::string> listen_on(const ListenAddress& address);

using TlsContext = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

// A server context from a PEM certificate chain and key, TLS 1.2 at least.
std::expected<TlsContext, std::string> tls_context(const config::TlsConfig& tls);

}  // namespace pgvigil::http
