#include "http/lag_limits.h"

#include <gtest/gtest.h>

namespace pgvigil::http {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

TEST(HttpLagLimits, BytesAsASizeOrAPlainCount) {
  EXPECT_EQ(parse_max_lag_bytes("16MB"), 16 * kMiB);
  EXPECT_EQ(parse_max_lag_bytes("512kB"), 512 * 1024.0);
  EXPECT_EQ(parse_max_lag_bytes("1.5GB"), 1.5 * 1024 * kMiB);
  EXPECT_EQ(parse_max_lag_bytes("16777216"), 16 * kMiB);
  EXPECT_EQ(parse_max_lag_bytes("0"), 0.0);
}

TEST(HttpLagLimits, BadBytesAreRejectedWithTheParameterNamed) {
  for (const char* bad : {"", "-1", "16 MB", "16mb", "lots", "1e6", "1.5", "99999999999999999999999"}) {
    auto parsed = parse_max_lag_bytes(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("max_lag"), std::string::npos);
  }
}

TEST(HttpLagLimits, SecondsAsANumberOrADuration) {
  EXPECT_EQ(parse_max_lag_seconds("10"), 10.0);
  EXPECT_EQ(parse_max_lag_seconds("2.5"), 2.5);
  EXPECT_EQ(parse_max_lag_seconds("10s"), 10.0);
  EXPECT_EQ(parse_max_lag_seconds("500ms"), 0.5);
  EXPECT_EQ(parse_max_lag_seconds("1m"), 60.0);
}

TEST(HttpLagLimits, BadSecondsAreRejected) {
  for (const char* bad : {"", "-5", "+5", "inf", "nan", "1e3", "10 s", "10x", ".5", "5.", "ten"}) {
    auto parsed = parse_max_lag_seconds(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("max_lag_s"), std::string::npos);
  }
}

TEST(HttpLagLimits, QueryOverridesOnlyWhatItNames) {
  const LagLimits defaults{16 * kMiB, 10};
  auto none = lag_limits_from_query({}, defaults);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->max_bytes, 16 * kMiB);
  EXPECT_EQ(none->max_seconds, 10);

  auto bytes_only = lag_limits_from_query({{"max_lag", "1MB"}, {"other", "x"}}, defaults);
  ASSERT_TRUE(bytes_only);
  EXPECT_EQ(bytes_only->max_bytes, kMiB);
  EXPECT_EQ(bytes_only->max_seconds, 10);

  auto both = lag_limits_from_query({{"max_lag", "0"}, {"max_lag_s", "30s"}}, defaults);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->max_bytes, 0);
  EXPECT_EQ(both->max_seconds, 30);

  EXPECT_FALSE(lag_limits_from_query({{"max_lag", "big"}}, defaults));
  EXPECT_FALSE(lag_limits_from_query({{"max_lag_s", "soon"}}, defaults));
}

}  // namespace
}  // namespace pgvigil::http
