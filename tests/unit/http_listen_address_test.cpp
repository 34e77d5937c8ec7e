#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace pgvigil::http {
namespace {

TEST(HttpListenAddress, HostAndPort) {
  EXPECT_EQ(parse_listen_address("127.0.0.1:9188"), (ListenAddress{"127.0.0.1", 9188}));
  EXPECT_EQ(parse_listen_address("0.0.0.0:80"), (ListenAddress{"0.0.0.0", 80}));
  EXPECT_EQ(parse_listen_address("localhost:0"), (ListenAddress{"localhost", 0}));
  EXPECT_EQ(parse_listen_address("[::1]:9188"), (ListenAddress{"::1", 9188}));
  EXPECT_EQ(parse_listen_address("[::]:65535"), (ListenAddress{"::", 65535}));
}

TEST(HttpListenAddress, Rejects) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":9188", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:http", "127.0.0.1:99999999", "::1:9188", "[::1]", "[::1]9188", "[::1:9188",
                          "[]:9188", "127.0.0.1:91 88"}) {
    auto parsed = parse_listen_address(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("http.listen"), std::string::npos) << parsed.error();
  }
}

}  // namespace
}  // namespace pgvigil::http
