// The Dockerfile, read as text (no container engine is needed): pinned Debian bases, a non-root
// runtime on port 9188, the build commands README.md shows, existing COPY sources, the runtime
// packages that hold every library the built binary needs, and a HEALTHCHECK that really tells
// a live daemon from a dead one.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "daemon_under_test.h"
#include "packaging_files.h"

namespace pgvigil::packaging {
namespace {

using namespace std::chrono_literals;

std::vector<Instruction> dockerfile() { return dockerfile_instructions(read_source("Dockerfile")); }

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

TEST(Dockerfile, BaseImagesArePinnedToOneDebianPointRelease) {
  std::set<std::string> images;
  for (const auto& instruction : dockerfile()) {
    if (instruction.keyword == "FROM") images.insert(words_of(instruction.args)[0]);
  }
  ASSERT_EQ(images.size(), 1u) << "build and runtime must share one release, so the libraries match";
  // A point release (12.11), never a moving tag (12, latest, bookworm).
  EXPECT_TRUE(std::regex_match(*images.begin(), std::regex(R"(debian:12\.[0-9]+-slim)"))) << *images.begin();
}

TEST(Dockerfile, RuntimeRunsAsNonRootUser) {
  const auto users = stage_instructions(dockerfile(), last_stage(dockerfile()), "USER");
  ASSERT_EQ(users.size(), 1u);
  std::smatch match;
  ASSERT_TRUE(std::regex_match(users[0].args, match, std::regex(R"(([0-9]+)(:[0-9]+)?)")))
      << "numeric, so that runAsNonRoot can check it: " << users[0].args;
  EXPECT_NE(std::stoi(match[1].str()), 0);
}

TEST(Dockerfile, RuntimeExposesTheHttpPortAndListensOnIt) {
  const auto all = dockerfile();
  const auto exposes = stage_instructions(all, last_stage(all), "EXPOSE");
  ASSERT_EQ(exposes.size(), 1u);
  EXPECT_EQ(exposes[0].args, "9188");
  const auto envs = stage_instructions(all, last_stage(all), "ENV");
  ASSERT_EQ(envs.size(), 1u);
  EXPECT_EQ(envs[0].args, "PGVIGIL_HTTP_LISTEN=0.0.0.0:9188");
}

TEST(Dockerfile, BuildStageRunsTheCommandsReadmeShows) {
  const auto blocks = shell_blocks(markdown_section(read_source("README.md"), "### Docker"));
  const auto shown = std::find_if(blocks.begin(), blocks.end(), [](const auto& block) {
    return std::find(block.begin(), block.end(), "cmake --build build --target pgvigil unit_tests") != block.end();
  });
  ASSERT_NE(shown, blocks.end()) << "README.md's Docker section shows no build commands";
  std::vector<std::string> run;
  for (const auto& instruction : stage_instructions(dockerfile(), 0, "RUN")) run.push_back(instruction.args);
  EXPECT_EQ(run, *shown);
}

TEST(Dockerfile, EveryCopiedSourceExists) {
  size_t checked = 0;
  for (const auto& copy : dockerfile()) {
    if (copy.keyword != "COPY" && copy.keyword != "ADD") continue;
    auto words = words_of(copy.args);
    if (words.front().starts_with("--from=")) continue;  // from an earlier stage
    words.pop_back();                                      // the destination
    for (const auto& source : words) {
      if (source.starts_with("--")) continue;
      EXPECT_TRUE(fs::exists(source_path(source))) << source;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST(Dockerfile, BuildContextLeavesBuildOutputsOut) {
  const auto lines = lines_of(read_source(".dockerignore"));
  for (const std::string pattern : {".git", "build/", "build-*/"}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), pattern), lines.end()) << pattern;
  }
}

// For each library the built binary links directly, the Debian packages holding a file of that
// name (apt brings the packages' own dependencies).
std::map<std::string, std::set<std::string>> owners_of_needed_libraries() {
  const auto readelf = testing::run_command({"readelf", "-d", PGVIGIL_BINARY}, 30s);
  if (readelf.exit_code != 0) throw std::runtime_error(readelf.output);
  std::vector<std::string> dpkg{"dpkg", "-S"};  // one call: each reads every package's file list
  std::map<std::string, std::set<std::string>> owners;
  const std::regex needed(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
  for (std::sregex_iterator it(readelf.output.begin(), readelf.output.end(), needed), end; it != end; ++it) {
    owners[(*it)[1].str()];
    dpkg.push_back("*/" + (*it)[1].str());
  }
  const auto found = testing::run_command(dpkg, 60s);
  for (const auto& line : lines_of(found.output)) {
    // "libpq5:amd64: /usr/lib/x86_64-linux-gnu/libpq.so.5"; diversions and errors read otherwise.
    const auto path = line.find(": /");
    const auto end_of_name = line.find_first_of(":, ");
    if (path == std::string::npos || end_of_name > path) continue;
    const std::string library = fs::path(line.substr(path + 2)).filename().string();
    if (owners.contains(library)) owners[library].insert(line.substr(0, end_of_name));
  }
  for (const auto& [library, packages] : owners) {
    if (packages.empty()) throw std::runtime_error("no package holds " + library + ":\n" + found.output);
  }
  return owners;
}

TEST(Dockerfile, RuntimeInstallsEveryLibraryTheBinaryNeeds) {
  if (!fs::exists("/usr/bin/dpkg")) GTEST_SKIP() << "not a Debian system";
  std::set<std::string> installed = {"libc6", "libstdc++6", "libgcc-s1"};  // in every Debian image
  const auto all = dockerfile();
  for (const auto& run : stage_instructions(all, last_stage(all), "RUN")) {
    const auto words = words_of(run.args);
    const auto from = std::find(words.begin(), words.end(), "--no-install-recommends");
    for (auto it = from == words.end() ? from : from + 1; it != words.end() && *it != "&&"; ++it) installed.insert(*it);
  }
  const auto owners = owners_of_needed_libraries();
  EXPECT_GE(owners.size(), 8u) << "readelf found too few libraries to be believed";
  for (const auto& [library, packages] : owners) {
    const bool present = std::any_of(packages.begin(), packages.end(), [&](const auto& p) { return installed.contains(p); });
    EXPECT_TRUE(present) << library << " is in none of the runtime packages; it is held by " << *packages.begin();
  }
}

// The HEALTHCHECK command run by /bin/sh, as the engine runs its shell form.
int run_healthcheck(const std::string& listen) {
  const auto all = dockerfile();
  const auto checks = stage_instructions(all, last_stage(all), "HEALTHCHECK");
  if (checks.size() != 1) throw std::runtime_error("expected one HEALTHCHECK");
  const auto cmd = checks[0].args.find(" CMD ");
  if (cmd == std::string::npos) throw std::runtime_error("HEALTHCHECK without CMD: " + checks[0].args);
  testing::SpawnOptions options;
  options.extra_env.emplace_back("PGVIGIL_HTTP_LISTEN", listen);
  return testing::run_command({"/bin/sh", "-c", checks[0].args.substr(cmd + 5)}, 30s, options).exit_code;
}

TEST(Dockerfile, HealthcheckProbesLivez) {
  const auto all = dockerfile();
  const auto checks = stage_instructions(all, last_stage(all), "HEALTHCHECK");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_NE(checks[0].args.find("/livez"), std::string::npos);
}

// A daemon whose only member is unreachable still has advancing loops: /livez answers 200.
TEST(Dockerfile, HealthcheckPassesOnALiveDaemonOnly) {
  const acceptance::TempDir dir;
  acceptance::DaemonConfig config;
  config.members.push_back({"db1", testing::free_port(), dir.write("password", "unused\n")});
  int port = 0;
  {
    acceptance::DaemonUnderTest daemon(dir, config);
    port = daemon.port();
    const bool healthy =
        testing::poll_until([&] { return run_healthcheck("0.0.0.0:" + std::to_string(port)) == 0; }, 10s, 200ms);
    EXPECT_TRUE(healthy) << daemon.log();
  }
  EXPECT_NE(run_healthcheck("0.0.0.0:" + std::to_string(port)), 0);
}

}  // namespace
}  // namespace pgvigil::packaging
