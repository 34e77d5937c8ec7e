#include "http/admin_token.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace pgvigil::http {
namespace {

namespace fs = std::filesystem;

class HttpAdminToken : public ::testing::Test {
 protected:
  HttpAdminToken() {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-token-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~HttpAdminToken() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    const fs::path path = dir_ / "token";
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(HttpAdminToken, NoFileMeansDisabled) {
  auto token = read_admin_token("");
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, "");
}

TEST_F(HttpAdminToken, SurroundingWhitespaceIsTrimmed) {
  EXPECT_EQ(read_admin_token(write("s3cret")), "s3cret");
  EXPECT_EQ(read_admin_token(write("s3cret\n")), "s3cret");
  EXPECT_EQ(read_admin_token(write(" \t s3cret \r\n\n")), "s3cret");
  EXPECT_EQ(read_admin_token(write("two words\n")), "two words") << "only the outside is trimmed";
}

TEST_F(HttpAdminToken, UnreadableOrEmptyIsAnError) {
  auto missing = read_admin_token((dir_ / "absent").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("absent"), std::string::npos);
  EXPECT_NE(missing.error().find("No such file"), std::string::npos) << missing.error();

  auto directory = read_admin_token(dir_.string());
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().find("directory"), std::string::npos);

  auto blank = read_admin_token(write(" \n\t\n"));
  ASSERT_FALSE(blank);
  EXPECT_NE(blank.error().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::http
