#include "util/run_delay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace pgvigil {

std::optional<std::chrono::nanoseconds> thread_run_delay() {
  const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[128];
  const auto n = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  buffer[n] = '\0';
  // "<time on cpu> <time waiting on a run queue> <timeslices>", all in nanoseconds.
  char* end = nullptr;
  std::strtoull(buffer, &end, 10);
  if (end == buffer) return std::nullopt;
  char* start = end;
  const unsigned long long waited = std::strtoull(start, &end, 10);
  if (end == start) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(waited));
}

}  // namespace pgvigil
