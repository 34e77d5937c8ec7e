// A stand-in for systemd's notify socket: a datagram socket a test binds and hands to the daemon
// through NOTIFY_SOCKET, then reads what the daemon says (READY=1, STOPPING=1, ...).
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgvigil::testing {

class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    ::unlink(path_.c_str());
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot bind notify socket " + path_);
    }
  }
  ~NotifySocket() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

  // Every message received so far (each may hold several NAME=value lines).
  const std::vector<std::string>& messages() {
    drain(std::chrono::milliseconds(0));
    return messages_;
  }

  // Waits until a received message contains `needle`; true if one did within the limit.
  bool wait_for(const std::string& needle, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
      for (const auto& m : messages_) {
        if (m.find(needle) != std::string::npos) return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      drain(left);
    }
  }

 private:
  void drain(std::chrono::milliseconds wait) {
    pollfd pfd{fd_, POLLIN, 0};
    while (::poll(&pfd, 1, static_cast<int>(wait.count())) > 0) {
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      messages_.emplace_back(buf, static_cast<size_t>(n));
      wait = std::chrono::milliseconds(0);
    }
  }

  std::string path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace pgvigil::testing
