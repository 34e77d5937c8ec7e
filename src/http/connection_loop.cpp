#include "http/connection_loop.h"

#include <algorithm>
#include <memory>
#include <utility>

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "http/loop_connections.h"

namespace pgvigil::http {
namespace {

using namespace std::chrono_literals;

// Deadlines are checked this often: fine enough for timeouts of seconds, and a loop busy with
// thousands of requests a second does not walk every connection at each of them.
constexpr auto kDeadlineTick = 50ms;

}  // namespace

ConnectionLoop::ConnectionLoop(int listen_fd, SSL_CTX* tls, ServeRequest serve, httplib::TaskQueue& workers,
                               LoopLimits limits)
    : state_(std::make_unique<State>(listen_fd, tls, limits)), serve_(std::move(serve)), workers_(workers) {
  state_->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  state_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

ConnectionLoop::~ConnectionLoop() {
  stop();
  if (state_->wake_fd >= 0) ::close(state_->wake_fd);
  if (state_->epoll_fd >= 0) ::close(state_->epoll_fd);
}

void ConnectionLoop::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

void ConnectionLoop::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(state_->wake_fd, &one, sizeof one);
  thread_.join();
}

void ConnectionLoop::finished(int fd, std::uint64_t serial, Served served) {
  {
    const std::lock_guard lock(state_->finished_mutex);
    state_->finished.push_back({fd, serial, std::move(served)});
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(state_->wake_fd, &one, sizeof one);
}

void ConnectionLoop::run(std::stop_token stop) {
  ::pthread_setname_np(::pthread_self(), "http-loop");
  State& s = *state_;
  const auto dispatch = [this](int fd, const Connection& c, std::string request) {
    workers_.enqueue([this, fd, serial = c.serial, last = c.last, endpoints = c.endpoints, socket = c.socket,
                      request = std::move(request)]() mutable {
      Served served{.unsent = {}, .close = true, .lost = true};
      if (!exited_.load()) {  // after the loop has gone, a queued request is dropped, not served
        try {
          served = serve_(endpoints, *socket, request, last);
        } catch (const std::exception& e) {
          // Part of an answer may be out already: nothing sensible can follow it.
          spdlog::warn("http: serving a request failed: {}", e.what());
        }
      }
      socket.reset();  // closed now if the loop has dropped the connection meanwhile
      finished(fd, serial, std::move(served));
    });
  };
  LoopConnections loop(s, open_, dispatch);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = s.listen_fd;
  ::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &event);
  event.data.fd = s.wake_fd;
  ::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &event);

  std::vector<epoll_event> events(256);
  LoopClock::time_point next_tick = LoopClock::now() + kDeadlineTick;
  while (true) {
    if (stop.stop_requested() && !s.stopping) loop.begin_stop(LoopClock::now());
    if (s.stopping && (s.connections.empty() || LoopClock::now() >= s.stop_deadline)) break;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - LoopClock::now());
    const int n = ::epoll_wait(s.epoll_fd, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, kDeadlineTick.count())));
    const LoopClock::time_point now = LoopClock::now();
    bool incoming = false;
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == s.listen_fd) {
        incoming = true;
      } else if (fd == s.wake_fd) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(s.wake_fd, &count, sizeof count);
      } else {
        loop.on_event(fd, events[static_cast<std::size_t>(i)].events, now);
      }
    }
    loop.take_finished(now);
    // Accepted last: a descriptor closed above and reused now must not get the old one's events.
    if (incoming) loop.accept_all(now);
    if (now >= next_tick) {
      loop.expire(now);
      next_tick = now + kDeadlineTick;
    }
  }
  exited_.store(true);
  loop.close_all();
  open_.store(0);
}

}  // namespace pgvigil::http
