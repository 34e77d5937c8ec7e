// The checksum recorded for applied migrations: SHA-256 against the FIPS 180-2 examples.
#include "util/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace pgvigil {
namespace {

TEST(Sha256, MatchesTheStandardExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneChangedByteChangesTheDigest) {
  EXPECT_NE(sha256_hex("CREATE TABLE t (id int);\n"), sha256_hex("CREATE TABLE t (id int); \n"));
  EXPECT_EQ(sha256_hex(std::string("a\0b", 3)).size(), 64U);
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
}

TEST(ToHex, WritesTwoLowercaseDigitsPerByte) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(to_hex(bytes, sizeof bytes), "000fa5ff");
  EXPECT_EQ(to_hex(bytes, 0), "");
}

}  // namespace
}  // namespace pgvigil
