// What the config unit tests share: YAML text loaded as the file "test.yaml", a minimal valid
// cluster to build on, finding an error by line, key and message, the check table's defaults,
// and a directory of its own per test for the files a config names.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/check_defaults.h"
#include "config/check_table.h"
#include "config/loader.h"

namespace pgvigil::config::test {

// The name YAML text is loaded under, and so the file every error from it names.
inline const std::string kTestFile = "test.yaml";

// Four lines of valid cluster; whatever is appended starts at line 5.
inline const std::string kCluster =
    "clusters:\n"
    "  - name: main\n"
    "    members:\n"
    "      - { name: db1, conninfo: \"host=127.0.0.1\" }\n";

// A member's libpq keywords and values, in order.
using Params = std::vector<std::pair<std::string, std::string>>;

// The errors one per line, for a failure message.
inline std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n  " + e.to_string();
  return out.empty() ? "\n  (no errors)" : out;
}

// The errors loading `yaml` gives; none when it loads.
inline std::vector<ConfigError> errors_of(const std::string& yaml) {
  auto outcome = load_config_string(yaml, kTestFile);
  if (outcome) return {};
  return outcome.error();
}

// Whether some error sits exactly at `line` and `key` and says `fragment`.
inline ::testing::AssertionResult has_error(const std::vector<ConfigError>& errors, int line, const std::string& key,
                                            const std::string& fragment) {
  for (const auto& e : errors) {
    if (e.file == kTestFile && e.line == line && e.key == key && e.message.find(fragment) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at line " << line << " key '" << key << "' saying '" << fragment
                                       << "'; got:" << dump(errors);
}

// The config `yaml` loads to; when it does not load, a test failure listing the errors and an
// empty config.
inline Config load_ok(const std::string& yaml) {
  auto loaded = load_config_string(yaml, kTestFile);
  if (!loaded) {
    ADD_FAILURE() << dump(loaded.error());
    return {};
  }
  return std::move(loaded->config);
}

// Expects `checks` to hold every check of the table, each with the table's defaults.
inline void expect_check_defaults(const std::map<std::string, CheckConfig>& checks) {
  ASSERT_EQ(checks.size(), check_specs().size());
  for (const auto& spec : check_specs()) {
    SCOPED_TRACE(std::string(spec.name));
    const auto found = checks.find(std::string(spec.name));
    ASSERT_NE(found, checks.end());
    const CheckConfig& check = found->second;
    EXPECT_EQ(check.enabled, spec.enabled_by_default);
    EXPECT_EQ(check.warning, spec.warning);
    EXPECT_EQ(check.critical, spec.critical);
    EXPECT_EQ(check.warning_bytes, spec.has_byte_thresholds ? spec.warning_bytes : std::nullopt);
    EXPECT_EQ(check.critical_bytes, spec.has_byte_thresholds ? spec.critical_bytes : std::nullopt);
    EXPECT_EQ(check.table, spec.has_table ? std::string(kDefaultHeartbeatTable) : "");
  }
}

// A fixture whose test gets a fresh directory, `dir_`, removed again afterwards.
class ScratchDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("pgvigil-config-" + std::to_string(::getpid()) + "-" +
                                                     test->test_suite_name() + "-" + test->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `content` to the file `name` in `dir_` and returns its path.
  std::string write(const std::string& name, const std::string& content = "content\n") {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

  std::filesystem::path dir_;
};

}  // namespace pgvigil::config::test
