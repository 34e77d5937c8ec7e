// Splitting sink URLs into what the HTTP client needs.
#include "alerts/sink_url.h"

#include <gtest/gtest.h>

namespace pgvigil::alerts {
namespace {

TEST(AlertSinkUrl, SplitsSchemeHostPortAndPath) {
  const auto url = parse_sink_url("http://127.0.0.1:9093/hook?team=db");
  ASSERT_TRUE(url);
  EXPECT_FALSE(url->https);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9093);
  EXPECT_EQ(url->path, "/hook?team=db");
  EXPECT_TRUE(url->user.empty());
}

TEST(AlertSinkUrl, DefaultsPortAndPathByScheme) {
  const auto https = parse_sink_url("HTTPS://alerts.example.com");
  ASSERT_TRUE(https);
  EXPECT_TRUE(https->https);
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->path, "/");
  const auto http = parse_sink_url("http://alerts.example.com?x=1#frag");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->path, "/?x=1");
}

TEST(AlertSinkUrl, TakesCredentialsOutOfTheAuthority) {
  const auto url = parse_sink_url("https://bot:p%40ss:word@hooks.example.com:8443/in");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->user, "bot");
  EXPECT_EQ(url->password, "p@ss:word");
  EXPECT_EQ(url->host, "hooks.example.com");
  EXPECT_EQ(url->port, 8443);
}

TEST(AlertSinkUrl, UnderstandsIpv6Literals) {
  const auto url = parse_sink_url("http://[::1]:9093/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9093);
}

TEST(AlertSinkUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad : {"", "ftp://host/", "http://", "http://:80/", "http://host:0/", "http://host:65536/",
                          "http://host:port/", "http://[::1/", "http://[::1]x/", "http://u:%zz@host/", "host:80"}) {
    EXPECT_FALSE(parse_sink_url(bad)) << bad;
  }
}

TEST(AlertSinkUrl, JoinsPathsWithOneSlash) {
  EXPECT_EQ(join_url_path("http://am:9093", "/api/v2/alerts"), "http://am:9093/api/v2/alerts");
  EXPECT_EQ(join_url_path("http://am:9093/", "/api/v2/alerts"), "http://am:9093/api/v2/alerts");
  EXPECT_EQ(join_url_path("http://proxy/am/", "api/v2/alerts"), "http://proxy/am/api/v2/alerts");
}

}  // namespace
}  // namespace pgvigil::alerts
