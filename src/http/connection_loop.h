// The HTTP listener's network side: one thread with epoll that accepts, receives each request in
// full, hands it to a worker, and sends the answer back. A worker is busy only while it routes a
// complete request and renders its answer; waiting on clients is this thread's alone, and costs a
// socket, not a thread. So clients that trickle their headers a byte at a time (slow-loris), never
// finish a body, or read their answers slowly cannot keep /livez and the probes from being
// answered: the workers stay free, and such clients are dropped at their deadlines or when their
// address holds too many connections.
//
//   request_timeout  a request (or a TLS handshake) must arrive whole within it: 408 and closed
//   idle_timeout     a kept-alive connection with no request in it is closed after it
//   write_timeout    an answer must make progress within it, or the connection is closed
//   per_client       connections from one address: past it, that address's longest-waiting
//                    connection that has no request being served is dropped for the new one
//                    (so a flood from one address cannot shut out that address's probes)
//   total            connections in all: past it likewise, across every address
//
// Malformed, oversized or chunked requests are answered by this thread at once (request_framing.h)
// and closed. start() once; stop() stops accepting, closes idle connections, lets answers being
// made or sent finish for up to write_timeout, then closes the rest and joins. Both from any
// thread but the loop's own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>
#include <openssl/ssl.h>

#include "http/buffered_stream.h"
#include "http/client_socket.h"
#include "http/request_framing.h"

namespace pgvigil::http {

struct LoopLimits {
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds idle_timeout{2000};
  std::chrono::milliseconds write_timeout{5000};
  std::size_t per_client = 256;
  std::size_t total = 2048;
  int keep_alive_max_requests = 100;  // then the connection is closed after its answer
  FramingLimits framing{};
};

// What a worker makes of one request. It sends the answer itself as far as the socket takes it at
// once; the rest is the loop's to send.
struct Served {
  std::string unsent;
  bool close = false;  // the connection closes once the answer is out
  bool lost = false;   // the client went away meanwhile
};

// Runs on a worker: `request` is one whole request; `last` says the connection closes after it.
// The socket is the worker's until it returns: the loop does not touch it meanwhile.
using ServeRequest =
    std::function<Served(const Endpoints& endpoints, ClientSocket& socket, std::string_view request, bool last)>;

class ConnectionLoop {
 public:
  // `listen_fd` is non-blocking and stays the caller's; `tls` (null for plain HTTP) must outlive
  // the loop, and so must `workers`, which must run what it is given until after stop().
  ConnectionLoop(int listen_fd, SSL_CTX* tls, ServeRequest serve, httplib::TaskQueue& workers, LoopLimits limits);
  ~ConnectionLoop();
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;

  void start();
  void stop();

  // Connections open now (for tests and metrics; any thread).
  std::size_t connections() const { return open_.load(); }

  struct State;  // the loop thread's own, defined where it runs

 private:
  void run(std::stop_token stop);
  void finished(int fd, std::uint64_t serial, Served served);  // from a worker

  std::unique_ptr<State> state_;
  ServeRequest serve_;
  httplib::TaskQueue& workers_;
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> exited_{false};  // the loop thread is done: queued requests are not served
  std::jthread thread_;
};

}  // namespace pgvigil::http
