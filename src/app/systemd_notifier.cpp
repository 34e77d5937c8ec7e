#include "app/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace pgvigil::app {

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    ping_interval_ = std::chrono::milliseconds(static_cast<long long>(usec / 2000));
  }
}

void SystemdNotifier::ready() { sd_notify(0, "READY=1"); }

void SystemdNotifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  const std::string message = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
  sd_notify(0, message.c_str());
}

void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::status(std::string_view line) {
  const std::string message = "STATUS=" + std::string(line);
  sd_notify(0, message.c_str());
}

void SystemdNotifier::watchdog() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace pgvigil::app
