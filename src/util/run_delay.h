// How long the calling thread has waited, runnable, for a CPU since it started: the kernel's
// per-thread run-queue wait (/proc/thread-self/schedstat, second field). The difference across a
// round trip to a server is the part of that round trip spent waiting on our own host's CPU, not
// on the server or the network. nullopt when the kernel does not keep it.
#pragma once

#include <chrono>
#include <optional>

namespace pgvigil {

std::optional<std::chrono::nanoseconds> thread_run_delay();

}  // namespace pgvigil
