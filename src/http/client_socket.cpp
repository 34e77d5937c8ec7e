#include "http/client_socket.h"

#include <algorithm>
#include <array>
#include <cerrno>

#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pgvigil::http {

ClientSocket::ClientSocket(int fd, SSL_CTX* tls) : fd_(fd) {
  if (tls == nullptr) return;
  ssl_ = SSL_new(tls);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    broken_ = true;  // handshake() reports it
    return;
  }
  SSL_set_accept_state(ssl_);
}

ClientSocket::~ClientSocket() {
  if (ssl_ != nullptr) {
    if (handshaken_ && !broken_) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // one non-blocking try: the peer's close_notify is not waited for
    }
    SSL_free(ssl_);
  }
  ::close(fd_);
}

ClientSocket::Io ClientSocket::tls_result(int result) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ: return Io::want_read;
    case SSL_ERROR_WANT_WRITE: return Io::want_write;
    case SSL_ERROR_ZERO_RETURN: return Io::ended;  // close_notify: the peer is done sending
    default:
      broken_ = true;
      return Io::closed;
  }
}

ClientSocket::Io ClientSocket::handshake() {
  if (ssl_ == nullptr) return broken_ ? Io::closed : Io::done;
  if (broken_) return Io::closed;
  if (handshaken_) return Io::done;
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    handshaken_ = true;
    return Io::done;
  }
  const Io io = tls_result(result);
  return io == Io::ended ? Io::closed : io;
}

ClientSocket::Io ClientSocket::receive(std::string& into, std::size_t max) {
  std::array<char, 16 * 1024> buffer{};
  std::size_t taken = 0;
  while (taken < max) {
    const std::size_t want = std::min(buffer.size(), max - taken);
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_read(ssl_, buffer.data(), static_cast<int>(want));
      if (n <= 0) return tls_result(n);
      into.append(buffer.data(), static_cast<std::size_t>(n));
      taken += static_cast<std::size_t>(n);
      continue;
    }
    const ssize_t n = ::recv(fd_, buffer.data(), want, 0);
    if (n > 0) {
      into.append(buffer.data(), static_cast<std::size_t>(n));
      taken += static_cast<std::size_t>(n);
    } else if (n == 0) {
      return Io::ended;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Io::want_read;
    } else if (errno != EINTR) {
      return Io::closed;
    }
  }
  return Io::done;
}

ClientSocket::Io ClientSocket::send(std::string_view data, std::size_t& sent) {
  while (sent < data.size()) {
    const std::string_view rest = data.substr(sent);
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, rest.data(), static_cast<int>(std::min<std::size_t>(rest.size(), 1 << 20)));
      if (n <= 0) {
        const Io io = tls_result(n);
        return io == Io::ended ? Io::closed : io;
      }
      sent += static_cast<std::size_t>(n);
      continue;
    }
    const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Io::want_write;
    } else if (errno != EINTR) {
      return Io::closed;
    }
  }
  return Io::done;
}

bool ClientSocket::end_sending() { return ssl_ == nullptr && ::shutdown(fd_, SHUT_WR) == 0; }

ClientSocket::Io ClientSocket::drain() {
  std::array<char, 16 * 1024> buffer{};
  while (true) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Io::want_read : Io::closed;
  }
}

}  // namespace pgvigil::http
