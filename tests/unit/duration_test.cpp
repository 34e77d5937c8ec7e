#include "config/duration.h"

#include <gtest/gtest.h>

#include <limits>

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("5s"), 5s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("2min"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("1d"), 24h);
  EXPECT_EQ(parse_duration("0s"), 0ms);
  EXPECT_EQ(parse_duration("0ms"), 0ms);
}

TEST(ParseDuration, AcceptsDecimalsThatAreWholeMilliseconds) {
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("0.5m"), 30s);
  EXPECT_EQ(parse_duration("0.001s"), 1ms);
  EXPECT_EQ(parse_duration("2.50h"), 150min);
  EXPECT_EQ(parse_duration("1.000000000000000000000s"), 1s) << "trailing zeros add no precision";
  EXPECT_EQ(parse_duration("1.5ms"), std::nullopt) << "no silent rounding";
  EXPECT_EQ(parse_duration("0.0001s"), std::nullopt);
}

TEST(ParseDuration, RejectsAnythingWithoutExactlyOneKnownUnit) {
  for (const char* text : {"", "5", "0", "-5s", "+5s", "5x", "5sec", "5S", "5 s", " 5s", "5s ", "s", "ms", "1.s",
                           ".5s", "1e3ms", "5s5s", "1,5s", "5ms s", "0x10s"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807ms"), Duration(std::numeric_limits<Duration::rep>::max()));
  EXPECT_EQ(parse_duration("9223372036854775808ms"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999999ms"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991168d"), std::nullopt);
  EXPECT_EQ(parse_duration("106751991167d"), Duration(106751991167LL * 86400000LL));
}

TEST(ParseSize, AcceptsEveryUnitIn1024Multiples) {
  EXPECT_EQ(parse_size("0B"), 0u);
  EXPECT_EQ(parse_size("100B"), 100u);
  EXPECT_EQ(parse_size("1kB"), 1024u);
  EXPECT_EQ(parse_size("1KB"), 1024u);
  EXPECT_EQ(parse_size("16MB"), 16ull * 1024 * 1024);
  EXPECT_EQ(parse_size("1GB"), 1024ull * 1024 * 1024);
  EXPECT_EQ(parse_size("2TB"), 2ull * 1024 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_size("1.5GB"), 1536ull * 1024 * 1024);
}

TEST(ParseSize, RejectsBareNumbersUnknownUnitsFractionsOfBytesAndOverflow) {
  for (const char* text : {"", "16", "16mb", "16Mb", "16M", "-1MB", "16 MB", "1.5B", "16PB", "16MiB", "MB",
                           "16777216TB", "99999999999999999999B"}) {
    EXPECT_EQ(parse_size(text), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(parse_size("16777215TB"), 16777215ull << 40) << "the largest whole number of TB that fits";
}

TEST(FormatDuration, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(5s), "5s");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(1h), "1h");
  EXPECT_EQ(format_duration(36h), "36h");
  EXPECT_EQ(format_duration(48h), "2d");
  EXPECT_EQ(format_duration(-5s), "-5s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (Duration d : {Duration(1), Duration(999), Duration(1001), Duration(60000), Duration(3599999),
                     Duration(86400000), Duration(std::numeric_limits<Duration::rep>::max())}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

TEST(FormatSize, RoundsForPeople) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1023), "1023B");
  EXPECT_EQ(format_size(1024), "1kB");
  EXPECT_EQ(format_size(1536), "1.5kB");
  EXPECT_EQ(format_size(16ull * 1024 * 1024), "16MB");
  EXPECT_EQ(format_size(1536ull * 1024 * 1024), "1.5GB");
  EXPECT_EQ(format_size(1073700000), "1GB") << "1023.96MB reads better as 1GB";
  EXPECT_EQ(format_size(5ull << 40), "5TB");
}

}  // namespace
}  // namespace pgvigil::config
