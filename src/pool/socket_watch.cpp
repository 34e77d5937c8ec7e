#include "pool/socket_watch.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <set>
#include <stdexcept>

namespace pgvigil::pool {
namespace {

constexpr std::uint64_t kWakeId = 0;
constexpr int kMaxEvents = 64;

}  // namespace

SocketWatch::SocketWatch()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create the idle-socket watch");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeId;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

SocketWatch::~SocketWatch() {
  thread_.request_stop();
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

std::uint64_t SocketWatch::register_pool(OnEvent on_event) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  pools_.emplace(id, std::move(on_event));
  return id;
}

void SocketWatch::unregister_pool(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  pools_.erase(id);
}

void SocketWatch::watch(int fd, std::uint64_t id) const {
  if (fd < 0) return;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;  // re-armed by the pool if the session lives on
  event.data.u64 = id;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void SocketWatch::unwatch(int fd) const {
  // A closed fd has left the set by itself; the error is expected then.
  if (fd >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void SocketWatch::loop(std::stop_token stop) {
  pthread_setname_np(pthread_self(), "pool-watch");
  std::array<epoll_event, kMaxEvents> events{};
  while (!stop.stop_requested()) {
    const int ready = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, 1000);
    if (ready <= 0) continue;
    std::set<std::uint64_t> pools;  // one call per pool, however many of its sockets woke
    for (int i = 0; i < ready; ++i) {
      const auto id = events[static_cast<std::size_t>(i)].data.u64;
      if (id == kWakeId) {
        std::uint64_t drained = 0;
        [[maybe_unused]] auto n = ::read(wake_fd_, &drained, sizeof drained);
        continue;
      }
      pools.insert(id);
    }
    std::lock_guard lock(mutex_);
    for (const auto id : pools) {
      if (auto it = pools_.find(id); it != pools_.end()) it->second();
    }
  }
}

}  // namespace pgvigil::pool
