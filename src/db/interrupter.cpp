#include "db/interrupter.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace pgvigil::db {

Interrupter::Interrupter() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

Interrupter::~Interrupter() {
  if (fd_ >= 0) ::close(fd_);
}

void Interrupter::fire() {
  const std::uint64_t one = 1;
  if (fd_ >= 0) [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

bool Interrupter::fired() const {
  pollfd pfd{fd_, POLLIN, 0};
  return fd_ >= 0 && ::poll(&pfd, 1, 0) > 0;
}

}  // namespace pgvigil::db
