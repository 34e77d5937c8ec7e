#include "process_table.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <charconv>
#include <filesystem>

#include "polling.h"
#include "subprocess.h"

namespace pgvigil::testing {
char process_state(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto after_name = stat.rfind(')');  // the name may itself contain spaces or ')'
  if (after_name == std::string::npos || after_name + 2 >= stat.size()) return 0;
  return stat[after_name + 2];
}

bool process_gone(pid_t pid) {
  if (pid <= 0) return true;
  ::waitpid(pid, nullptr, WNOHANG);  // fails harmlessly with ECHILD if it is not ours
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

bool wait_process_gone(pid_t pid, std::chrono::milliseconds limit) {
  return poll_until([pid] { return process_gone(pid); }, limit);
}

bool process_finished(pid_t pid) {
  if (process_gone(pid)) return true;
  const char state = process_state(pid);
  return state == 'Z' || state == 'X';
}

std::string process_cmdline(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (auto& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

std::vector<pid_t> processes_with_cmdline_containing(const std::string& needle) {
  std::vector<pid_t> found;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (error != std::errc() || end != name.data() + name.size()) continue;
    if (process_cmdline(pid).find(needle) != std::string::npos) found.push_back(pid);
  }
  return found;
}

}  // namespace pgvigil::testing
