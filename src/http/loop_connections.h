// The connection loop's state and what it does with each event: accepting (with the connection
// caps), TLS handshakes, receiving and framing requests, sending answers, lingering closes and
// deadlines. Used only by the loop thread (connection_loop.cpp), which owns all of it; workers
// reach it only through ConnectionLoop::finished().
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sys/epoll.h>

#include "http/client_socket.h"
#include "http/connection_loop.h"

namespace pgvigil::http {

using LoopClock = std::chrono::steady_clock;

enum class Phase {
  handshake,  // TLS handshake, before any request
  idle,       // kept alive, nothing received
  reading,    // part of a request received
  serving,    // a whole request is with a worker
  writing,    // an answer (or an interim 100 Continue) is being sent
  lingering,  // refused and answered: draining what the client still sends, until it closes
};

// Waits on its client to send: dropped at stop.
inline bool waiting_on_client(Phase phase) {
  return phase == Phase::handshake || phase == Phase::idle || phase == Phase::reading || phase == Phase::lingering;
}

struct Connection {
  // Shared with the worker answering it, so that a connection dropped meanwhile (at stop) keeps
  // its socket until the worker is done with it.
  std::shared_ptr<ClientSocket> socket;
  Endpoints endpoints;
  Phase phase = Phase::handshake;
  std::string in;   // received and not yet served: a partial request, or requests sent ahead
  std::string out;  // being sent
  std::size_t sent = 0;
  LoopClock::time_point deadline{};
  LoopClock::time_point waiting_since{};  // when it last began to wait on the client
  std::uint64_t serial = 0;           // of the request with a worker
  int requests = 0;
  bool last = false;              // the request with a worker is the connection's last
  bool close_after_write = false;
  bool blocked = false;           // the client does not take the answer as fast as it is sent
  bool peer_done = false;         // the client has sent all it will (a half-close): answer, then close
  bool gone = false;              // hung up while a worker had it: closed once the worker is done
  bool resume_reading = false;    // `out` is a 100 Continue: then back to reading the body
  bool continue_sent = false;
  std::uint32_t interest = EPOLLIN;
};

struct ConnectionLoop::State {
  int listen_fd;
  SSL_CTX* tls;
  LoopLimits limits;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::unordered_map<int, Connection> connections;
  std::unordered_map<std::string, std::size_t> per_client;
  std::uint64_t next_serial = 1;
  bool accepting = true;
  std::optional<LoopClock::time_point> resume_accepting;
  bool stopping = false;
  LoopClock::time_point stop_deadline{};

  struct Finished {
    int fd;
    std::uint64_t serial;
    Served served;
  };
  std::mutex finished_mutex;
  std::vector<Finished> finished;  // answers from the workers, for the loop to send

  State(int listen, SSL_CTX* context, LoopLimits l) : listen_fd(listen), tls(context), limits(l) {}
};

class LoopConnections {
 public:
  using State = ConnectionLoop::State;
  using Dispatch = std::function<void(int fd, const Connection&, std::string request)>;

  LoopConnections(State& state, std::atomic<std::size_t>& open, Dispatch dispatch)
      : s_(state), open_(open), dispatch_(std::move(dispatch)) {}

  // One call per kind of event the loop thread waits on, then the periodic deadline check.
  void accept_all(LoopClock::time_point now);
  void on_event(int fd, std::uint32_t events, LoopClock::time_point now);
  void take_finished(LoopClock::time_point now);
  void expire(LoopClock::time_point now);

  // Stops accepting and drops every connection that has nothing with a worker or on its way out.
  void begin_stop(LoopClock::time_point now);
  void close_all();

 private:
  void admit(int fd, LoopClock::time_point now);

  // Drops the connection that has waited longest on its client (to send a request, or to read an
  // answer), of `client` or of any; false when there is none to drop: every one is being served.
  bool evict_oldest(const std::string* client);
  void pause_accepting(LoopClock::time_point now);
  void resume_accepting();
  void handshake(int fd, Connection& c, LoopClock::time_point now);
  void read_more(int fd, Connection& c, LoopClock::time_point now);
  void frame(int fd, Connection& c, LoopClock::time_point now);
  void answer_and_close(int fd, Connection& c, int status, std::string_view reason, LoopClock::time_point now);
  void write_more(int fd, Connection& c, LoopClock::time_point now);

  // Watches for what the connection waits on: nothing while a worker has it.
  void watch(int fd, Connection& c, std::optional<ClientSocket::Io> wants);
  void close(int fd);

  State& s_;
  std::atomic<std::size_t>& open_;
  Dispatch dispatch_;
};

}  // namespace pgvigil::http
