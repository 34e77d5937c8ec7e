// Looking up processes by PID and command line through /proc, for tearing servers down by
// PID and proving that nothing was left behind. Stateless; safe from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace pgvigil::testing {

// True once no process has this PID, reaping it first if it is our own exited child. A zombie
// is not gone: its PID still blocks a restart on the same data directory.
bool process_gone(pid_t pid);
bool wait_process_gone(pid_t pid, std::chrono::milliseconds limit);

// Gone or a zombie: the process has finished, has no memory and holds no ports.
bool process_finished(pid_t pid);

// The one-letter state from /proc/PID/stat: 'R', 'S', 'T' (stopped), 'Z' (zombie)...; 0 if
// there is no such process.
char process_state(pid_t pid);

// The command line with arguments separated by spaces; empty for zombies and missing PIDs.
// PostgreSQL backends show their title here ("postgres: NAME: checkpointer").
std::string process_cmdline(pid_t pid);

// Every live process whose command line contains `needle`.
std::vector<pid_t> processes_with_cmdline_containing(const std::string& needle);

}  // namespace pgvigil::testing
