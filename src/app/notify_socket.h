// The sd_notify protocol, spoken directly: one datagram per message to the AF_UNIX socket named
// by NOTIFY_SOCKET ("@name" = Linux abstract namespace). Doing it here rather than through
// libsystemd keeps that library and its compression and crypto dependencies out of the process.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace pgvigil::app {

struct NotifyAddress {
  sockaddr_un address{};
  socklen_t length = 0;
};

// The socket address for a NOTIFY_SOCKET value; nullopt when unset, empty, not an absolute path
// or abstract name, or too long for sockaddr_un.
std::optional<NotifyAddress> parse_notify_socket(const char* value);

// WatchdogSec= as systemd passes it: WATCHDOG_USEC, meant for us only if WATCHDOG_PID is unset or
// names our pid. nullopt when the watchdog is off or the values are malformed.
std::optional<std::chrono::microseconds> parse_watchdog(const char* usec, const char* pid, long our_pid);

// Sends one message; false when NOTIFY_SOCKET is unset or the send failed (systemd gone).
bool send_notify(std::string_view message);

}  // namespace pgvigil::app
