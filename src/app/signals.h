// Signals are taken synchronously on one thread: block_signals() must run in main before any
// other thread starts, so every thread inherits the mask; then the main loop collects them with
// wait_for_signal(). No asynchronous handler runs at all.
#pragma once

#include <chrono>
#include <optional>

namespace pgvigil::app {

void block_signals();  // SIGTERM, SIGINT, SIGHUP; SIGPIPE is ignored
std::optional<int> wait_for_signal(std::chrono::milliseconds timeout);

}  // namespace pgvigil::app
