// Webhook signing: HMAC-SHA256 against RFC 4231, the header format receivers verify, and reading
// the secret from a file.
#include "alerts/hmac_signature.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace pgvigil::alerts {
namespace {

namespace fs = std::filesystem;

TEST(HmacSha256, MatchesRfc4231TestCases) {
  // Test case 1
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the hash
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 3: bytes that are not text
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  // Test case 6: a key longer than the block is hashed first
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, AcceptsAnEmptyKeyAndMessage) {
  EXPECT_EQ(hmac_sha256_hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSignature, SignsTheTimestampDotBody) {
  const SignatureHeaders headers = sign("topsecret", 1714564800, R"({"a":1})");
  EXPECT_EQ(headers.timestamp, "1714564800");
  EXPECT_EQ(headers.signature, "sha256=cbaa237a3decffcb00dfb479249d13f12f90ee40453bc5f288b7541aa2b3ca60");
  EXPECT_EQ(headers.signature, "sha256=" + hmac_sha256_hex("topsecret", "1714564800." + std::string(R"({"a":1})")));
  EXPECT_EQ(kTimestampHeader, "X-Pgvigil-Timestamp");
  EXPECT_EQ(kSignatureHeader, "X-Pgvigil-Signature");
}

TEST(HmacSignature, ADifferentTimestampOrBodyGivesADifferentSignature) {
  const std::string base = sign("k", 100, "body").signature;
  EXPECT_NE(sign("k", 101, "body").signature, base);
  EXPECT_NE(sign("k", 100, "body!").signature, base);
  EXPECT_NE(sign("k2", 100, "body").signature, base);
}

class SecretFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-secret-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, const std::string& contents) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(SecretFile, TrimsSurroundingWhitespace) {
  const auto secret = read_secret_file(write("secret", "  s3cr et\t\n\n"));
  ASSERT_TRUE(secret) << secret.error();
  EXPECT_EQ(*secret, "s3cr et");
}

TEST_F(SecretFile, AMissingFileIsAnErrorNamingThePath) {
  const std::string path = (dir_ / "absent").string();
  const auto secret = read_secret_file(path);
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().find(path), std::string::npos) << secret.error();
}

TEST_F(SecretFile, AnEmptyOrBlankFileIsAnError) {
  const std::string path = write("blank", " \n\t");
  const auto secret = read_secret_file(path);
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().find(path), std::string::npos);
  EXPECT_NE(secret.error().find("empty"), std::string::npos);
}

TEST_F(SecretFile, ADirectoryIsAnError) {
  const auto secret = read_secret_file(dir_.string());
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().find("directory"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::alerts
