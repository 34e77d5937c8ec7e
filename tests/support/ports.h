// TCP ports for test servers on 127.0.0.1. Ports come from 20000-32000, below the kernel's
// ephemeral range (32768-60999), where other processes' outgoing connections would otherwise
// take a test server's port at random. Safe from any thread.
#pragma once

#include <chrono>

namespace pgvigil::testing {

// Whether a listener could bind 127.0.0.1:port right now (with SO_REUSEADDR, as servers do,
// so connections lingering in TIME_WAIT do not count).
bool port_is_free(int port);

// A random port that is free at the moment of the call. Another process may still take it
// before the caller binds: callers that start servers retry on EADDRINUSE.
int free_port();

// Waits until port_is_free(port); returns false after `limit`.
bool wait_port_free(int port, std::chrono::milliseconds limit);

}  // namespace pgvigil::testing
