#include "pg_server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "polling.h"
#include "ports.h"
#include "process_table.h"
#include "server_account.h"
#include "sql_client.h"
#include "subprocess.h"

namespace pgvigil::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kStartAttempts = 5;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t file_size(const std::string& path) {
  std::error_code ignored;
  const auto size = std::filesystem::file_size(path, ignored);
  return ignored ? 0 : static_cast<size_t>(size);
}

}  // namespace

std::string pg_program(const std::string& name) {
  const char* bindir = std::getenv("PGVIGIL_PG_BINDIR");
  return std::string(bindir && *bindir ? bindir : "/usr/lib/postgresql/15/bin") + "/" + name;
}

PgServer::PgServer(ServerPaths paths, int port, pid_t postmaster_pid)
    : paths_(std::move(paths)), port_(port), pid_(postmaster_pid) {}

void PgServer::start(milliseconds limit, bool may_move, bool stop_with_parent) {
  if (running()) throw std::logic_error(describe() + " is already running");
  for (int attempt = 1;; ++attempt) {
    if (may_move && !port_is_free(port_)) port_ = free_port();
    if (!wait_port_free(port_, milliseconds(2000))) {
      throw std::runtime_error(describe() + ": the port is still taken by another process");
    }
    const size_t log_offset = file_size(paths_.log_file);
    auto options = as_server_account(paths_.log_file);
    // The kernel ties this to the spawning thread, not the process: a server started from a
    // short-lived helper thread would die with it, so only the main thread asks for it.
    if (stop_with_parent && ::gettid() == ::getpid()) options.parent_death_signal = SIGQUIT;
    // The trailing arguments after -D keep the data directory findable in the command line.
    pid_ = Subprocess::spawn_with({pg_program("postgres"), "-D", paths_.data_dir, "-p", std::to_string(port_),
                                   "-c", "cluster_name=" + paths_.name},
                                  options)
               .release();
    const bool ready = poll_until([this] { return pid_file_says_ready() || process_gone(pid_); }, limit) &&
                       pid_file_says_ready();
    if (ready) return;
    const std::string log = log_since(log_offset);
    if (process_gone(pid_)) {
      pid_ = 0;
      if (may_move && attempt < kStartAttempts && log.find("Address already in use") != std::string::npos) {
        port_ = free_port();
        continue;
      }
      throw std::runtime_error(describe() + " failed to start; its log says:\n" + log);
    }
    ::kill(pid_, SIGKILL);
    wait_process_gone(pid_, milliseconds(5000));
    pid_ = 0;
    throw std::runtime_error(describe() + " not ready after " + std::to_string(limit.count()) +
                             " ms; its log says:\n" + log);
  }
}

void PgServer::wait_ready(milliseconds limit) const {
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) +
                           " dbname=postgres user=postgres connect_timeout=2";
  if (!poll_until([&] { return running() && pid_file_says_ready() && accepts_connections(ping); }, limit)) {
    throw std::runtime_error(describe() + " does not accept connections after " + std::to_string(limit.count()) +
                             " ms");
  }
}

void PgServer::stop_fast(milliseconds limit) {
  if (!running()) return;
  thaw();
  ::kill(pid_, SIGINT);
  // A clean exit removes postmaster.pid, so even a zombie awaiting PID 1 no longer blocks a restart.
  if (!poll_until([this] { return process_finished(pid_); }, limit)) {
    throw std::runtime_error(describe() + " still running " + std::to_string(limit.count()) + " ms after a fast stop");
  }
  pid_ = 0;
}

void PgServer::kill_postmaster(milliseconds limit) {
  if (!running()) throw std::logic_error(describe() + " is not running");
  ::kill(pid_, SIGKILL);
  thaw();  // stopped children could not notice that the postmaster died
  if (!wait_process_gone(pid_, limit)) {
    throw std::runtime_error(describe() + ": killed postmaster " + std::to_string(pid_) + " still present after " +
                             std::to_string(limit.count()) + " ms");
  }
  pid_ = 0;
  if (!poll_until([this] { return processes().empty(); }, limit)) {
    throw std::runtime_error(describe() + ": children still running after the postmaster was killed");
  }
  if (!wait_port_free(port_, limit)) throw std::runtime_error(describe() + ": port still taken after the kill");
}

void PgServer::freeze() {
  if (!running()) throw std::logic_error(describe() + " is not running");
  // The postmaster first, so it cannot fork a child we would miss.
  ::kill(pid_, SIGSTOP);
  if (!poll_until([this] { return process_state(pid_) == 'T'; }, milliseconds(5000))) {
    throw std::runtime_error(describe() + ": postmaster did not stop");
  }
  const auto everyone = processes();
  for (pid_t pid : everyone) ::kill(pid, SIGSTOP);
  // Delivery is asynchronous: a process that was running only stops when next scheduled.
  const bool all_stopped = poll_until(
      [&] {
        for (pid_t pid : everyone) {
          if (process_state(pid) != 'T' && !process_finished(pid)) return false;
        }
        return true;
      },
      milliseconds(5000));
  if (!all_stopped) throw std::runtime_error(describe() + ": not every process stopped within 5 s");
}

void PgServer::thaw() {
  for (pid_t pid : processes()) ::kill(pid, SIGCONT);
}

void PgServer::promote(milliseconds limit) {
  const auto seconds = std::to_string(std::max<long>(1, static_cast<long>(limit.count() / 1000)));
  const auto result = run_command({pg_program("pg_ctl"), "promote", "-w", "-t", seconds, "-D", paths_.data_dir},
                                  limit + milliseconds(5000), as_server_account());
  if (result.exit_code != 0) throw std::runtime_error(describe() + ": promote failed: " + result.output);
}

void PgServer::begin_shutdown() {
  thaw();
  if (!running()) adopt_pid_from_pid_file();  // restarted by another process since we knew it
  if (running()) ::kill(pid_, SIGQUIT);  // immediate shutdown: nothing here is worth a checkpoint
}

void PgServer::finish_shutdown(milliseconds grace) {
  // Finished is enough here: a zombie holds no port or file, and when another process started
  // the server, PID 1 may take a second or two to reap it.
  auto postmaster_finished = [this] { return process_finished(pid_); };
  if (pid_ > 0 && !poll_until(postmaster_finished, grace) && running()) {
    ::kill(pid_, SIGKILL);
    poll_until(postmaster_finished, milliseconds(5000));
  }
  pid_ = 0;
  if (!poll_until([this] { return processes().empty(); }, grace)) {
    for (pid_t pid : processes()) ::kill(pid, SIGKILL);
    poll_until([this] { return processes().empty(); }, milliseconds(5000));
  }
}

bool PgServer::running() const {
  // The command-line check keeps a recycled PID from being taken for our postmaster.
  return pid_ > 0 && !process_gone(pid_) &&
         process_cmdline(pid_).find("-D " + paths_.data_dir + " ") != std::string::npos;
}

std::vector<pid_t> PgServer::processes() const {
  auto found = processes_with_cmdline_containing("-D " + paths_.data_dir + " ");
  for (pid_t child : processes_with_cmdline_containing("postgres: " + paths_.name + ": ")) {
    if (std::find(found.begin(), found.end(), child) == found.end()) found.push_back(child);
  }
  return found;
}

std::string PgServer::log_since(size_t offset) const {
  const std::string log = read_file(paths_.log_file);
  return offset < log.size() ? log.substr(offset) : std::string();
}

void PgServer::adopt_pid_from_pid_file() {
  const auto lines = lines_of(read_file(paths_.data_dir + "/postmaster.pid"));
  if (lines.empty()) return;
  const pid_t recorded = static_cast<pid_t>(std::atol(lines[0].c_str()));
  if (process_cmdline(recorded).find("-D " + paths_.data_dir + " ") != std::string::npos) pid_ = recorded;
}

bool PgServer::pid_file_says_ready() const {
  // postmaster.pid: line 1 the PID, line 8 the state pg_ctl waits for ("ready" or "standby").
  const auto lines = lines_of(read_file(paths_.data_dir + "/postmaster.pid"));
  if (lines.size() < 8 || lines[0] != std::to_string(pid_)) return false;
  const std::string state = lines[7].substr(0, lines[7].find(' '));
  return state == "ready" || state == "standby";
}

}  // namespace pgvigil::testing
