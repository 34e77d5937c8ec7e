#include "util/run_delay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

namespace pgvigil {

namespace {

// The calling thread's schedstat, opened once per thread: each health cycle reads it twice, and
// a fleet runs a hundred cycles a second. procfs renders the file afresh at every read from 0.
class OwnSchedstat {
 public:
  OwnSchedstat() : fd_(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)) {}
  ~OwnSchedstat() {
    if (fd_ >= 0) ::close(fd_);
  }
  OwnSchedstat(const OwnSchedstat&) = delete;
  OwnSchedstat& operator=(const OwnSchedstat&) = delete;
  ssize_t read(char* buffer, std::size_t size) const { return fd_ < 0 ? -1 : ::pread(fd_, buffer, size, 0); }

 private:
  int fd_;
};

}  // namespace

std::optional<std::chrono::nanoseconds> thread_run_delay() {
  thread_local const OwnSchedstat schedstat;
  char buffer[128];
  const auto n = schedstat.read(buffer, sizeof buffer - 1);
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
