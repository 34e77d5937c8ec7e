#include "http/loop_connections.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/health_json.h"

namespace pgvigil::http {
namespace {

using namespace std::chrono_literals;

constexpr auto kAcceptPause = 100ms;  // out of file descriptors with nothing to drop: try again after
constexpr int kAcceptsPerWake = 64;   // then the connections already in get their turn
constexpr auto kLingerFor = 1s;       // the longest a refused client is drained before closing

std::string_view status_text(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Error";
  }
}

// An answer the loop gives itself, closing the connection.
std::string loop_answer(int status, std::string_view reason) {
  const std::string body = error_json(std::string(reason));
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\n{}",
      status, status_text(status), body.size(), body);
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

void LoopConnections::accept_all(LoopClock::time_point now) {
  for (int i = 0; i < kAcceptsPerWake && s_.accepting; ++i) {
    const int fd = ::accept4(s_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      admit(fd, now);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      // The listening socket stays readable while the kernel holds the connection: without a
      // descriptor to spare, drop a waiting one, or stop watching the socket for a moment.
      if (!evict_oldest(nullptr)) pause_accepting(now);
      continue;
    }
    return;  // EAGAIN: none left; anything else: the next wake tries again
  }
}

void LoopConnections::on_event(int fd, std::uint32_t events, LoopClock::time_point now) {
  const auto found = s_.connections.find(fd);
  if (found == s_.connections.end()) return;
  Connection& c = found->second;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0 && c.phase != Phase::writing) {
    if (c.phase != Phase::serving) return close(fd);
    // The worker answering it owns the socket until it is done: stop watching, close after.
    ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    c.gone = true;
    return;
  }
  switch (c.phase) {
    case Phase::handshake: handshake(fd, c, now); break;
    case Phase::idle:
    case Phase::reading: read_more(fd, c, now); break;
    case Phase::writing: write_more(fd, c, now); break;
    case Phase::lingering:
      if (c.socket->drain() == ClientSocket::Io::closed) close(fd);
      break;
    case Phase::serving: break;
  }
}

void LoopConnections::take_finished(LoopClock::time_point now) {
  std::vector<State::Finished> done;
  {
    const std::lock_guard lock(s_.finished_mutex);
    done.swap(s_.finished);
  }
  for (State::Finished& f : done) {
    const auto found = s_.connections.find(f.fd);
    if (found == s_.connections.end()) continue;
    Connection& c = found->second;
    if (c.phase != Phase::serving || c.serial != f.serial) continue;
    if (c.gone || f.served.lost) {
      close(f.fd);
      continue;
    }
    c.out = std::move(f.served.unsent);
    c.sent = 0;
    c.close_after_write = f.served.close || c.last || s_.stopping;
    c.phase = Phase::writing;
    c.deadline = now + s_.limits.write_timeout;
    write_more(f.fd, c, now);
  }
}

void LoopConnections::expire(LoopClock::time_point now) {
  if (s_.resume_accepting && now >= *s_.resume_accepting) resume_accepting();
  std::vector<int> late;
  for (const auto& [fd, c] : s_.connections) {
    if (c.phase != Phase::serving && c.deadline <= now) late.push_back(fd);
  }
  for (const int fd : late) {
    Connection& c = s_.connections.at(fd);
    if (c.phase == Phase::reading) {
      answer_and_close(fd, c, 408, "the request did not arrive in time", now);
    } else {
      close(fd);
    }
  }
}

void LoopConnections::begin_stop(LoopClock::time_point now) {
  s_.stopping = true;
  s_.stop_deadline = now + s_.limits.write_timeout;
  if (s_.accepting) ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_DEL, s_.listen_fd, nullptr);
  s_.accepting = false;
  s_.resume_accepting.reset();
  std::vector<int> waiting;
  for (const auto& [fd, c] : s_.connections) {
    if (waiting_on_client(c.phase)) waiting.push_back(fd);
  }
  for (const int fd : waiting) close(fd);
}

void LoopConnections::close_all() {
  std::vector<int> all;
  for (const auto& [fd, c] : s_.connections) all.push_back(fd);
  for (const int fd : all) close(fd);
}

void LoopConnections::admit(int fd, LoopClock::time_point now) {
  const int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);  // else Nagle and delayed ACKs add ~40 ms
  Endpoints endpoints = endpoints_of(fd);
  if (s_.stopping || (s_.per_client[endpoints.remote_ip] >= s_.limits.per_client &&
                      !evict_oldest(&endpoints.remote_ip)) ||
      (s_.connections.size() >= s_.limits.total && !evict_oldest(nullptr))) {
    if (s_.per_client[endpoints.remote_ip] == 0) s_.per_client.erase(endpoints.remote_ip);
    ::close(fd);  // every connection of its kind is busy with a request: refuse this one
    return;
  }
  ++s_.per_client[endpoints.remote_ip];
  Connection& c = s_.connections[fd];
  c.socket = std::make_shared<ClientSocket>(fd, s_.tls);
  c.endpoints = std::move(endpoints);
  c.phase = s_.tls != nullptr ? Phase::handshake : Phase::idle;
  c.waiting_since = now;
  c.deadline = now + (s_.tls != nullptr ? s_.limits.request_timeout : s_.limits.idle_timeout);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_ADD, fd, &event);
  open_.store(s_.connections.size());
}

bool LoopConnections::evict_oldest(const std::string* client) {
  int oldest = -1;
  LoopClock::time_point since = LoopClock::time_point::max();
  for (const auto& [fd, c] : s_.connections) {
    // Whatever waits on its client: to send, or to read an answer it does not take.
    const bool evictable = waiting_on_client(c.phase) || (c.phase == Phase::writing && c.blocked);
    if (!evictable || (client != nullptr && c.endpoints.remote_ip != *client)) continue;
    if (c.waiting_since < since) {
      since = c.waiting_since;
      oldest = fd;
    }
  }
  if (oldest < 0) return false;
  close(oldest);
  return true;
}

void LoopConnections::pause_accepting(LoopClock::time_point now) {
  if (!s_.accepting) return;
  ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_DEL, s_.listen_fd, nullptr);
  s_.accepting = false;
  s_.resume_accepting = now + kAcceptPause;
  spdlog::warn("http: out of file descriptors; not accepting for {} ms", kAcceptPause.count());
}

void LoopConnections::resume_accepting() {
  s_.resume_accepting.reset();
  if (s_.stopping) return;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = s_.listen_fd;
  ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_ADD, s_.listen_fd, &event);
  s_.accepting = true;
}

void LoopConnections::handshake(int fd, Connection& c, LoopClock::time_point now) {
  const ClientSocket::Io io = c.socket->handshake();
  if (io == ClientSocket::Io::closed) return close(fd);
  if (io != ClientSocket::Io::done) return watch(fd, c, io);
  c.phase = Phase::idle;
  c.deadline = now + s_.limits.idle_timeout;
  read_more(fd, c, now);
}

void LoopConnections::read_more(int fd, Connection& c, LoopClock::time_point now) {
  ClientSocket::Io io = ClientSocket::Io::ended;
  if (!c.peer_done) {
    const FramingLimits& f = s_.limits.framing;
    const std::size_t room = f.max_head + f.max_body + 1 - std::min(c.in.size(), f.max_head + f.max_body);
    io = c.socket->receive(c.in, room);
    if (io == ClientSocket::Io::closed) return close(fd);
    c.peer_done = io == ClientSocket::Io::ended;
  }
  if (c.phase == Phase::idle && !c.in.empty()) {
    c.phase = Phase::reading;
    c.deadline = now + s_.limits.request_timeout;
  }
  if (c.peer_done) {
    if (c.in.empty()) return close(fd);  // nothing left to answer
    watch(fd, c, std::nullopt);          // nothing more will come
  } else {
    watch(fd, c, io == ClientSocket::Io::done ? ClientSocket::Io::want_read : io);
  }
  if (c.phase == Phase::reading) frame(fd, c, now);
}

void LoopConnections::frame(int fd, Connection& c, LoopClock::time_point now) {
  const Framing framing = frame_request(c.in, s_.limits.framing);
  switch (framing.state) {
    case Framing::State::refused: return answer_and_close(fd, c, framing.status, framing.reason, now);
    case Framing::State::complete: {
      std::string request = c.in.substr(0, framing.size);
      c.in.erase(0, framing.size);
      c.phase = Phase::serving;
      c.serial = s_.next_serial++;
      c.last = ++c.requests >= s_.limits.keep_alive_max_requests || s_.stopping;
      c.continue_sent = false;
      watch(fd, c, std::nullopt);
      dispatch_(fd, c, std::move(request));
      return;
    }
    case Framing::State::incomplete:
      if (c.peer_done) return close(fd);  // it can never be whole
      if (framing.expects_continue && !c.continue_sent) {
        c.continue_sent = true;
        c.out = kContinue;
        c.sent = 0;
        c.resume_reading = true;
        c.phase = Phase::writing;
        write_more(fd, c, now);  // the request's deadline still runs
      }
      return;
  }
}

void LoopConnections::answer_and_close(int fd, Connection& c, int status, std::string_view reason, LoopClock::time_point now) {
  c.out = loop_answer(status, reason);
  c.sent = 0;
  c.close_after_write = true;
  c.resume_reading = false;
  c.in.clear();
  c.phase = Phase::writing;
  c.deadline = now + s_.limits.write_timeout;
  write_more(fd, c, now);
}

void LoopConnections::write_more(int fd, Connection& c, LoopClock::time_point now) {
  const std::size_t before = c.sent;
  const ClientSocket::Io io = c.socket->send(c.out, c.sent);
  if (io == ClientSocket::Io::closed) return close(fd);
  if (io != ClientSocket::Io::done) {
    if (c.sent > before && !c.resume_reading) c.deadline = now + s_.limits.write_timeout;
    if (!c.blocked) {
      c.blocked = true;
      c.waiting_since = now;
    }
    return watch(fd, c, io);
  }
  c.out = std::string();
  c.sent = 0;
  c.blocked = false;
  if (c.resume_reading) {
    c.resume_reading = false;
    c.phase = Phase::reading;
    read_more(fd, c, now);
    return;
  }
  if (s_.stopping) return close(fd);
  if (c.close_after_write || (c.peer_done && c.in.empty())) {
    // Unread bytes at close make the kernel reset the connection, which can destroy the answer
    // on its way: end our side and drain what still comes (plain only; TLS closes at once).
    if (c.peer_done || !c.socket->end_sending()) return close(fd);
    c.phase = Phase::lingering;
    c.deadline = now + kLingerFor;
    return watch(fd, c, ClientSocket::Io::want_read);
  }
  c.phase = Phase::idle;
  c.waiting_since = now;
  c.deadline = now + s_.limits.idle_timeout;
  // Reads what came meanwhile, or what TLS holds decrypted (epoll cannot see that), and frames
  // a request sent ahead.
  read_more(fd, c, now);
}

void LoopConnections::watch(int fd, Connection& c, std::optional<ClientSocket::Io> wants) {
  std::uint32_t interest = 0;
  if (wants) interest = *wants == ClientSocket::Io::want_write ? EPOLLOUT : EPOLLIN;
  if (interest == c.interest) return;
  epoll_event event{};
  event.events = interest;
  event.data.fd = fd;
  ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_MOD, fd, &event);
  c.interest = interest;
}

void LoopConnections::close(int fd) {
  const auto found = s_.connections.find(fd);
  if (found == s_.connections.end()) return;
  if (!found->second.gone) ::epoll_ctl(s_.epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
  const auto client = s_.per_client.find(found->second.endpoints.remote_ip);
  if (client != s_.per_client.end() && --client->second == 0) s_.per_client.erase(client);
  s_.connections.erase(found);  // closes the socket
  open_.store(s_.connections.size());
}

}  // namespace pgvigil::http
