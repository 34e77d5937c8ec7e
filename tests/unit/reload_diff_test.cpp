#include "app/reload_diff.h"

#include <gtest/gtest.h>

namespace pgvigil::app {
namespace {

TEST(ReloadDiff, NamesOnlyRestartKeysThatChanged) {
  config::Config a;
  config::Config b = a;
  EXPECT_TRUE(keys_needing_restart(a, b).empty());
  b.http.listen = "127.0.0.1:9999";
  b.daemon.state_dir = "/tmp/x";
  b.http.admin_token_file = "/etc/pgvigil/token";  // read when the server starts
  b.daemon.log.level = "debug";  // applied live: not listed
  EXPECT_EQ(keys_needing_restart(a, b),
            (std::vector<std::string>{"http.listen", "http.admin_token_file", "daemon.state_dir"}));
}

}  // namespace
}  // namespace pgvigil::app
