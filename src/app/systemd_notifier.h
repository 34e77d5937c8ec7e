// Talks to systemd's notify socket (Type=notify): readiness, reload, stop, status and watchdog.
// Every call is a no-op when NOTIFY_SOCKET is unset. Call from the main thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace pgvigil::app {

class SystemdNotifier {
 public:
  SystemdNotifier();

  void ready();
  void reloading();  // sends MONOTONIC_USEC too, as systemd 253+ requires for Type=notify-reload
  void stopping();
  void status(std::string_view line);
  void watchdog();

  // Half the WatchdogSec= period, or nullopt when the watchdog is off.
  std::optional<std::chrono::milliseconds> watchdog_ping_interval() const { return ping_interval_; }

 private:
  std::optional<std::chrono::milliseconds> ping_interval_;
};

}  // namespace pgvigil::app
