#include "app/notify_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace pgvigil::app {
namespace {

std::optional<long long> whole_number(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  const std::string_view s(text);
  long long value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc{} || end != s.data() + s.size() || value <= 0) return std::nullopt;
  return value;
}

// Closes the socket on every path out of send_notify.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<NotifyAddress> parse_notify_socket(const char* value) {
  if (value == nullptr) return std::nullopt;
  const std::string_view name(value);
  if (name.size() < 2 || (name[0] != '/' && name[0] != '@')) return std::nullopt;
  NotifyAddress out;
  out.address.sun_family = AF_UNIX;
  if (name.size() >= sizeof(out.address.sun_path)) return std::nullopt;
  std::memcpy(out.address.sun_path, name.data(), name.size());
  if (name[0] == '@') {
    out.address.sun_path[0] = '\0';  // abstract: the length, not a terminator, ends the name
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  } else {
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
  }
  return out;
}

std::optional<std::chrono::microseconds> parse_watchdog(const char* usec, const char* pid, long our_pid) {
  const auto period = whole_number(usec);
  if (!period) return std::nullopt;
  if (pid != nullptr && *pid != '\0') {
    const auto owner = whole_number(pid);
    if (!owner || *owner != our_pid) return std::nullopt;  // set for another process of the unit
  }
  return std::chrono::microseconds(*period);
}

bool send_notify(std::string_view message) {
  const auto target = parse_notify_socket(std::getenv("NOTIFY_SOCKET"));
  if (!target) return false;
  const Fd socket{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (socket.fd < 0) return false;
  const auto sent = ::sendto(socket.fd, message.data(), message.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&target->address), target->length);
  return sent == static_cast<ssize_t>(message.size());
}

}  // namespace pgvigil::app
