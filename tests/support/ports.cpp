#include "ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "polling.h"

namespace pgvigil::testing {

bool port_is_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

int free_port() {
  thread_local std::mt19937 generator{std::random_device{}()};
  std::uniform_int_distribution<int> pick(20000, 32000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = pick(generator);
    if (port_is_free(port)) return port;
  }
  throw std::runtime_error("no free TCP port found in 20000-32000 after 200 tries");
}

bool wait_port_free(int port, std::chrono::milliseconds limit) {
  return poll_until([port] { return port_is_free(port); }, limit);
}

}  // namespace pgvigil::testing
