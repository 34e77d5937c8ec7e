#include "http/listening_socket.h"

#include <cerrno>
#include <system_error>
#include <utility>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pgvigil::http {
namespace {

int bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
}

}  // namespace

ListeningSocket::ListeningSocket(ListeningSocket&& other) noexcept
    : fd(std::exchange(other.fd, -1)), port(other.port) {}

ListeningSocket& ListeningSocket::operator=(ListeningSocket&& other) noexcept {
  if (this != &other) {
    if (fd >= 0) ::close(fd);
    fd = std::exchange(other.fd, -1);
    port = other.port;
  }
  return *this;
}

ListeningSocket::~ListeningSocket() {
  if (fd >= 0) ::close(fd);
}

std::expected<ListeningSocket, std::string> listen_on(const ListenAddress& address) {
  const std::string where = address.host + ":" + std::to_string(address.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(address.port);
  if (const int rc = ::getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return std::unexpected("cannot listen on " + where + ": " + ::gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  int error = 0;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (a->ai_family == AF_INET6) {
      const int no = 0;  // "::" takes IPv4 too
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
    }
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      return ListeningSocket(fd, bound_port(fd));
    }
    error = errno;
    ::close(fd);
  }
  return std::unexpected("cannot listen on " + where + ": " + std::generic_category().message(error));
}

std::expected<TlsContext, std::string> tls_context(const config::TlsConfig& tls) {
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return std::unexpected("http.tls needs both cert_file and key_file");
  }
  TlsContext context(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
  const bool loaded = context != nullptr && SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) == 1 &&
                      SSL_CTX_use_certificate_chain_file(context.get(), tls.cert_file.c_str()) == 1 &&
                      SSL_CTX_use_PrivateKey_file(context.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
                      SSL_CTX_check_private_key(context.get()) == 1;
  if (!loaded) {
    return std::unexpected("cannot load http.tls certificate " + tls.cert_file + " with key " + tls.key_file);
  }
  // Writes resume where they stopped, from a buffer that may have moved (a std::string's data).
  SSL_CTX_set_mode(context.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // A client asking to renegotiate makes the one loop thread do a handshake's work again.
  SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION);
  return context;
}

}  // namespace pgvigil::http
