#include "http/bearer_auth.h"

#include <gtest/gtest.h>

namespace pgvigil::http {
namespace {

TEST(HttpBearerAuth, TheRules) {
  EXPECT_EQ(check_bearer("Bearer s3cret", "s3cret"), BearerCheck::allowed);
  EXPECT_EQ(check_bearer("bearer s3cret", "s3cret"), BearerCheck::allowed) << "the scheme ignores case";
  EXPECT_EQ(check_bearer("BEARER   s3cret", "s3cret"), BearerCheck::allowed);
  EXPECT_EQ(check_bearer(std::nullopt, "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("", "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("Bearer", "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("Bearer ", "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("Basic czNjcmV0", "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("Bearers3cret", "s3cret"), BearerCheck::missing);
  EXPECT_EQ(check_bearer("Bearer wrong", "s3cret"), BearerCheck::wrong);
  EXPECT_EQ(check_bearer("Bearer S3CRET", "s3cret"), BearerCheck::wrong) << "the token does not ignore case";
  EXPECT_EQ(check_bearer("Bearer s3cre", "s3cret"), BearerCheck::wrong);
  EXPECT_EQ(check_bearer("Bearer s3crett", "s3cret"), BearerCheck::wrong);
  EXPECT_EQ(check_bearer("Bearer s3cret ", "s3cret"), BearerCheck::wrong) << "compared exactly";
}

TEST(HttpBearerAuth, NoConfiguredTokenDisablesEverything) {
  EXPECT_EQ(check_bearer("Bearer ", ""), BearerCheck::disabled);
  EXPECT_EQ(check_bearer("Bearer anything", ""), BearerCheck::disabled);
  EXPECT_EQ(check_bearer(std::nullopt, ""), BearerCheck::disabled);
}

TEST(HttpBearerAuth, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), "a")) << "a NUL does not end the comparison";
}

}  // namespace
}  // namespace pgvigil::http
