#include "app/signals.h"

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace pgvigil::app {
namespace {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void block_signals() {
  const sigset_t set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error return, not a process kill
}

std::optional<int> wait_for_signal(std::chrono::milliseconds timeout) {
  const sigset_t set = handled_signals();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  const int sig = sigtimedwait(&set, nullptr, &ts);
  if (sig < 0) return std::nullopt;  // EAGAIN (timeout) or EINTR
  return sig;
}

}  // namespace pgvigil::app
