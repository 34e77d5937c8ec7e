// Waiting on a libpq socket until it is ready or a deadline passes. Internal to the db layer.
#pragma once

#include <chrono>

namespace pgvigil::db {

enum class WaitFor { read, write, read_or_write };
enum class WaitResult { ready, timed_out, interrupted, error };

// poll(2) on fd, restarted on EINTR, never past the deadline; `interrupt_fd` (if >= 0) becoming
// readable ends the wait with `interrupted`.
WaitResult wait_socket(int fd, WaitFor what, std::chrono::steady_clock::time_point deadline, int interrupt_fd = -1);

}  // namespace pgvigil::db
