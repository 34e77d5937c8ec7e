#include "util/logging.h"

#include <gtest/gtest.h>

namespace pgvigil {
namespace {

TEST(Logging, JsonEscapeHandlesQuotesControlsAndUtf8) {
  EXPECT_EQ(json_escape(R"(a "b" \c)"), R"(a \"b\" \\c)");
  EXPECT_EQ(json_escape("line1\nline2\t\x01"), "line1\\nline2\\t\\u0001");
  EXPECT_EQ(json_escape("héllo"), "héllo");
}

TEST(Logging, ParsesLevelNames) {
  EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_log_level("warning"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("off"), spdlog::level::off);
  EXPECT_FALSE(parse_log_level("loud"));
}

}  // namespace
}  // namespace pgvigil
