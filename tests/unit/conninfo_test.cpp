#include "db/conninfo.h"

#include <gtest/gtest.h>

namespace pgvigil::db {
namespace {

std::string value_of(const ConnParams& params, const std::string& key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "<unset>";
}

TEST(Conninfo, ParsesKeyValueAndUriAlike) {
  auto kv = parse_conninfo("host=127.0.0.1 port=5433 dbname=postgres user=pgvigil sslmode=verify-full");
  ASSERT_TRUE(kv) << kv.error();
  auto uri = parse_conninfo("postgresql://pgvigil@127.0.0.1:5433/postgres?sslmode=verify-full");
  ASSERT_TRUE(uri) << uri.error();
  for (const char* key : {"host", "port", "dbname", "user", "sslmode"}) {
    EXPECT_EQ(value_of(*kv, key), value_of(*uri, key)) << key;
  }
  EXPECT_EQ(value_of(*kv, "port"), "5433");
}

TEST(Conninfo, ErrorsNeverEchoTheInput) {
  auto bad = parse_conninfo("host=h password=s3cr3t nonsense");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().find("s3cr3t"), std::string::npos) << bad.error();
  auto unknown = parse_conninfo("hots=h password=s3cr3t");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("hots"), std::string::npos) << "names the bad keyword: " << unknown.error();
  EXPECT_EQ(unknown.error().find("s3cr3t"), std::string::npos);
}

TEST(Conninfo, DescribeLeavesThePasswordOutAndQuotes) {
  const ConnParams params = {{"host", "db1"}, {"password", "s3cr3t"}, {"application_name", "a b"}};
  EXPECT_EQ(describe(params), "host=db1 application_name='a b'");
}

TEST(Conninfo, RedactsEveryPasswordForm) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"host=h password=s3cr3t port=1", "host=h password=******** port=1"},
      {"host=h password = 's3 cr\\'et' port=1", "host=h password = ******** port=1"},
      {"postgresql://u:s3cr3t@h:5432/db", "postgresql://u:********@h:5432/db"},
      {"postgres://u@h/db?sslmode=require&password=s3cr3t", "postgres://u@h/db?sslmode=require&password=********"},
      {"PASSWORD=s3cr3t", "PASSWORD=********"},
      {"no secrets here", "no secrets here"},
  };
  for (const auto& c : cases) EXPECT_EQ(redact_conninfo(c.in), c.out) << c.in;
}

TEST(Conninfo, RedactsKnownSecretsAnywhere) {
  EXPECT_EQ(redact_secrets("a s3cr3t b s3cr3t", {"s3cr3t", ""}), "a ******** b ********");
  EXPECT_EQ(redact_secrets("unchanged", {}), "unchanged");
}

TEST(Conninfo, KnowsLibpqKeywords) {
  EXPECT_TRUE(is_conninfo_keyword("sslrootcert"));
  EXPECT_TRUE(is_conninfo_keyword("host"));
  EXPECT_FALSE(is_conninfo_keyword("hots"));
}

}  // namespace
}  // namespace pgvigil::db
