// The unit's SystemCallFilter= must not break the daemon. Without systemd to run the unit, the
// daemon runs under strace against a real primary and replica and a member that is down: health
// cycles, statement sampling, the canceller, a failing webhook, requests, a reload and a stop.
// Every system call it made must be in the set the unit's filter lines allow, and none may need
// what MemoryDenyWriteExecute=, RestrictAddressFamilies= or ProtectSystem=strict forbid.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "daemon_under_test.h"
#include "packaging_files.h"

namespace pgvigil::packaging {
namespace {

using namespace std::chrono_literals;

const fs::path kSystemdAnalyze = "/usr/bin/systemd-analyze";
const fs::path kStrace = "/usr/bin/strace";

// The system calls of a name or @group, nested groups expanded.
void expand_filter_entry(const std::string& entry, std::set<std::string>& out) {
  if (!entry.starts_with("@")) {
    out.insert(entry);
    return;
  }
  const auto listed = testing::run_command({kSystemdAnalyze.string(), "syscall-filter", "--no-pager", entry}, 30s);
  if (listed.exit_code != 0) throw std::runtime_error(listed.output);
  const auto lines = lines_of(listed.output);
  // The first line is the group's name; members are indented, comments start with '#'.
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string name = trim(lines[i]);
    if (!name.empty() && name[0] != '#' && lines[i][0] == ' ') expand_filter_entry(name, out);
  }
}

// The calls the unit's SystemCallFilter= lines allow, applied in order as systemd does: the first
// line is an allow list, a later `~` line takes calls away, a later plain line adds them back.
std::set<std::string> allowed_by_unit() {
  const auto service = unit_section(read_source("systemd/pgvigil.service"), "Service");
  const auto filters = values_of(service, "SystemCallFilter");
  if (filters.empty() || filters[0].starts_with("~")) throw std::runtime_error("the unit has no allow list");
  std::set<std::string> allowed;
  for (const auto& filter : filters) {
    const bool deny = filter.starts_with("~");
    std::set<std::string> calls;
    std::istringstream entries(deny ? filter.substr(1) : filter);
    for (std::string entry; entries >> entry;) expand_filter_entry(entry, calls);
    for (const auto& call : calls) deny ? (void)allowed.erase(call) : (void)allowed.insert(call);
  }
  return allowed;
}

// The calls named in an `strace -f` log ("PID name(args...) = result").
std::set<std::string> calls_in_trace(const std::string& trace) {
  std::set<std::string> calls;
  const std::regex call(R"(^\d+\s+([a-z_0-9]+)\()");
  std::smatch match;
  for (const auto& line : lines_of(trace)) {
    if (std::regex_search(line, match, call)) calls.insert(match[1].str());
  }
  return calls;
}

// The traced daemon: strace's only child.
pid_t child_of(pid_t parent) {
  const std::string children =
      testing::read_file("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  return children.empty() ? 0 : static_cast<pid_t>(std::stoi(children));
}

TEST(SystemdUnit, SyscallFilterAllowsEverythingTheDaemonCalls) {
  if (!fs::exists(kSystemdAnalyze)) GTEST_SKIP() << kSystemdAnalyze << " is not installed (Debian package systemd)";
  if (!fs::exists(kStrace)) GTEST_SKIP() << kStrace << " is not installed (Debian package strace)";
  const std::set<std::string> allowed = allowed_by_unit();
  ASSERT_GT(allowed.size(), 100u);

  const auto cluster = testing::PgCluster::start({});
  const acceptance::TempDir dir;
  acceptance::DaemonConfig config;
  for (int member : {testing::PgCluster::kPrimary, testing::PgCluster::kReplica}) {
    config.members.push_back({"db" + std::to_string(member), cluster.port(member), cluster.password_file()});
  }
  // A member nobody answers for and a webhook nobody receives: connects fail, retries run.
  config.members.push_back({"down", testing::free_port(), cluster.password_file()});
  config.alerts = "  sinks:\n    - { name: ops, type: webhook, url: \"http://127.0.0.1:" +
                  std::to_string(testing::free_port()) + "/hook\" }\n";
  config.queries = "{ statements_interval: 1s, cancel: { mode: enforce } }";
  const int port = testing::free_port();
  fs::create_directories(dir / "state");
  const std::string config_path = dir.write("pgvigil.yaml", acceptance::render_config(config, port, dir / "state"));
  auto strace = testing::Subprocess::spawn(
      {kStrace.string(), "-f", "-qq", "-o", dir / "trace", PGVIGIL_BINARY, "--config", config_path}, {}, dir / "log");

  ASSERT_TRUE(testing::poll_until([&] { return acceptance::http_get(port, "/livez").status == 200; }, 30s))
      << testing::read_file(dir / "log");
  for (const std::string path : {"/health", "/metrics", "/alerts", "/actions", "/stats", "/queries"}) {
    EXPECT_NE(acceptance::http_get(port, path).status, 0) << path;
  }
  // Two statement samples, a few slow checks and canceller polls.
  std::this_thread::sleep_for(3s);
  const pid_t daemon = child_of(strace.pid());
  ASSERT_GT(daemon, 0);
  ::kill(daemon, SIGHUP);
  EXPECT_TRUE(testing::poll_until(
      [&] { return testing::read_file(dir / "log").find("configuration reloaded") != std::string::npos; }, 20s))
      << testing::read_file(dir / "log");
  ::kill(daemon, SIGTERM);
  ASSERT_EQ(strace.wait_for_exit(30s), 0) << testing::read_file(dir / "log");

  const std::string trace = testing::read_file(dir / "trace");
  const auto used = calls_in_trace(trace);
  ASSERT_GT(used.size(), 20u) << "the trace is too short to be believed";
  for (const auto& call : used) EXPECT_TRUE(allowed.contains(call)) << call << " is filtered out by the unit";

  // MemoryDenyWriteExecute= and RestrictAddressFamilies= would refuse these, and under
  // ProtectSystem=strict only the state directory (and /dev/null) is writable.
  const std::regex write_call(
      R"re(\s(?:openat\(AT_FDCWD, "([^"]+)", [A-Z_|]*(?:O_WRONLY|O_RDWR|O_CREAT)|(?:mkdir|rename|unlink)\("([^"]+)"|(?:renameat2?|unlinkat|mkdirat)\(AT_FDCWD, "([^"]+)"))re");
  std::smatch path;
  for (const auto& line : lines_of(trace)) {
    if (std::regex_search(line, path, write_call)) {
      const std::string target = path[1].matched ? path[1].str() : path[2].matched ? path[2].str() : path[3].str();
      EXPECT_TRUE(target.starts_with(dir / "state") || target == "/dev/null") << line;
    }
    if (line.find("PROT_WRITE") != std::string::npos) {
      EXPECT_EQ(line.find("PROT_EXEC"), std::string::npos) << line;
    }
    if (line.find(" socket(") != std::string::npos) {
      EXPECT_TRUE(std::regex_search(line, std::regex(R"( socket\(AF_(UNIX|INET|INET6),)"))) << line;
    }
  }
}

}  // namespace
}  // namespace pgvigil::packaging
