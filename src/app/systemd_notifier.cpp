#include "app/systemd_notifier.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "app/notify_socket.h"

namespace pgvigil::app {

SystemdNotifier::SystemdNotifier() {
  if (const auto period = parse_watchdog(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid())) {
    ping_interval_ = std::chrono::duration_cast<std::chrono::milliseconds>(*period / 2);
  }
}

void SystemdNotifier::ready() { send_notify("READY=1"); }

void SystemdNotifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  const std::string message = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
  send_notify(message);
}

void SystemdNotifier::stopping() { send_notify("STOPPING=1"); }

void SystemdNotifier::status(std::string_view line) {
  const std::string message = "STATUS=" + std::string(line);
  send_notify(message);
}

void SystemdNotifier::watchdog() { send_notify("WATCHDOG=1"); }

}  // namespace pgvigil::app
