#include "http/buffered_stream.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace pgvigil::http {
namespace {

constexpr std::size_t kSendAtOnce = 16 * 1024;

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
    port = ntohs(v6.sin6_port);
  }
  ip = text.data();
}

}  // namespace

ssize_t BufferedStream::read(char* ptr, size_t size) {
  const std::size_t n = std::min(size, request_.size());
  std::memcpy(ptr, request_.data(), n);
  request_.remove_prefix(n);
  return static_cast<ssize_t>(n);
}

ssize_t BufferedStream::write(const char* ptr, size_t size) {
  const std::string_view data(ptr, size);
  // The library answers "Expect: 100-continue" with an interim 100 before the answer. The body is
  // in already (the loop sent the 100 itself when the client waited for one): drop it.
  if (data == "HTTP/1.1 100 Continue\r\n\r\n") return static_cast<ssize_t>(size);
  // Small writes (the status line and headers) wait for the body, so that a short answer leaves
  // in one segment; a large body is sent from where it is rather than copied whole first.
  if (lost_ || blocked_ || held_.size() + size < kSendAtOnce) {
    if (!lost_) held_.append(data);
    return static_cast<ssize_t>(size);
  }
  if (!held_.empty()) send_held();
  if (lost_ || blocked_) {
    if (!lost_) held_.append(data);
    return static_cast<ssize_t>(size);
  }
  std::size_t sent = 0;
  const ClientSocket::Io io = socket_.send(data, sent);
  if (io == ClientSocket::Io::closed) {
    lost_ = true;
  } else if (io != ClientSocket::Io::done) {
    blocked_ = true;
    held_.append(data.substr(sent));
  }
  return static_cast<ssize_t>(size);
}

void BufferedStream::flush() {
  if (!blocked_ && !lost_) send_held();
}

void BufferedStream::send_held() {
  std::size_t sent = 0;
  const ClientSocket::Io io = socket_.send(held_, sent);
  held_.erase(0, sent);
  if (io == ClientSocket::Io::closed) {
    lost_ = true;
    held_.clear();
  } else if (io != ClientSocket::Io::done) {
    blocked_ = true;
  }
}

void BufferedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = endpoints_.remote_ip;
  port = endpoints_.remote_port;
}

void BufferedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = endpoints_.local_ip;
  port = endpoints_.local_port;
}

Endpoints endpoints_of(int socket) {
  Endpoints out;
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, out.remote_ip, out.remote_port);
  }
  length = sizeof address;
  if (::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, out.local_ip, out.local_port);
  }
  return out;
}

}  // namespace pgvigil::http
