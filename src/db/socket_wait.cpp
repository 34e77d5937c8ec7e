#include "db/socket_wait.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace pgvigil::db {

WaitResult wait_socket(int fd, WaitFor what, std::chrono::steady_clock::time_point deadline, int interrupt_fd) {
  if (fd < 0) return WaitResult::error;
  pollfd pfds[2]{};
  pollfd& pfd = pfds[0];
  pfds[1].fd = interrupt_fd;  // poll ignores negative descriptors
  pfds[1].events = POLLIN;
  pfd.fd = fd;
  pfd.events = what == WaitFor::read    ? short{POLLIN}
               : what == WaitFor::write ? short{POLLOUT}
                                        : short{POLLIN | POLLOUT};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    // At or past the deadline we still look once, without waiting.
    const int timeout_ms = left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count() + 1, 60'000));
    const int rc = ::poll(pfds, 2, timeout_ms);
    if (rc > 0 && pfds[1].revents != 0) return WaitResult::interrupted;
    if (rc > 0) return WaitResult::ready;  // errors and hangups are ready too: libpq reports them
    if (rc < 0 && errno != EINTR) return WaitResult::error;
    if (rc == 0 && timeout_ms == 0) return WaitResult::timed_out;
  }
}

}  // namespace pgvigil::db
