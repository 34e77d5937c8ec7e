// One thread, for the whole daemon, that watches the sockets of idle pooled sessions with epoll:
// a server that dies or ends our sessions makes them readable within milliseconds, and the pool
// that owns them is told at once (ConnectionPool::on_socket_event), whatever the health interval
// and however many members there are.
//
// A pool registers itself once (register_pool, a stable id) and then adds and removes the fds of
// its idle sessions with watch()/unwatch(), which only call epoll_ctl and may be called with the
// pool's own lock held. unregister_pool() waits for an event being handed to that pool, so the
// pool may be destroyed once it returns. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace pgvigil::pool {

class SocketWatch {
 public:
  using OnEvent = std::function<void()>;

  SocketWatch();
  ~SocketWatch();  // every pool must have unregistered
  SocketWatch(const SocketWatch&) = delete;
  SocketWatch& operator=(const SocketWatch&) = delete;

  std::uint64_t register_pool(OnEvent on_event);
  void unregister_pool(std::uint64_t id);

  void watch(int fd, std::uint64_t id) const;
  void unwatch(int fd) const;

 private:
  void loop(std::stop_token stop);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::mutex mutex_;  // guards pools_ and is held while an event is handed to a pool
  std::map<std::uint64_t, OnEvent> pools_;
  std::uint64_t next_id_ = 1;
  std::jthread thread_;  // last
};

}  // namespace pgvigil::pool
