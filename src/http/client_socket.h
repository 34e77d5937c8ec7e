// One accepted client connection, plain or TLS, on a non-blocking socket: the connection loop's
// only way to read and write it. Every call returns at once, saying what it waits for next.
// Owns the socket and the TLS session; closing sends a TLS close_notify when it can.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

namespace pgvigil::http {

class ClientSocket {
 public:
  enum class Io {
    done,        // did all it could: for receive, read until the socket had nothing more
    want_read,   // call again once the socket is readable
    want_write,  // call again once it is writable (TLS may need to write to read, and back)
    ended,       // receive: the peer has sent all it will (FIN, close_notify); what came stands
    closed,      // the peer reset or broke the protocol: drop the connection
  };

  // Takes `fd`; with `tls`, makes a server-side session on it.
  ClientSocket(int fd, SSL_CTX* tls);
  ~ClientSocket();
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;

  int fd() const { return fd_; }
  bool handshaken() const { return ssl_ == nullptr || handshaken_; }

  // TLS: drives the handshake; done once it is through. Plain: done.
  Io handshake();
  // Appends what has arrived to `into`, at most `max` bytes: want_read when it stopped because
  // nothing more was there (the usual case), done when it stopped at `max`, ended when the peer
  // finished sending (what it sent before still counts: a request then a half-close).
  Io receive(std::string& into, std::size_t max);
  // Sends from `data`, adding to `sent` what went out: done when all of it has.
  Io send(std::string_view data, std::size_t& sent);

  // Closing with data still unread makes the kernel reset the connection, and the peer may lose
  // the answer just sent (a 413 to a client still sending its body). So, plain connections only:
  // end our side (the peer reads the answer, then its end), then drain() what still comes until
  // the peer closes. False for TLS, which is closed at once.
  bool end_sending();
  // Reads and discards: want_read while the peer sends, closed once it has closed.
  Io drain();

 private:
  Io tls_result(int result);

  int fd_;
  SSL* ssl_ = nullptr;
  bool handshaken_ = false;
  bool broken_ = false;  // no close_notify after a failure
};

}  // namespace pgvigil::http
