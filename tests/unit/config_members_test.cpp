// How members are read: conninfo strings and URIs, discrete keys, TLS keys, passwords and
// password files, names. And that an inline password never reaches an error or a warning.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace test;

// A config with one cluster whose members are `members_yaml` (starting at line 4).
std::string with_members(const std::string& members_yaml) {
  return "clusters:\n"
         "  - name: main\n"
         "    members:\n" +
         members_yaml;
}

MemberConfig only_member(const std::string& member_yaml) {
  const Config config = load_ok(with_members(member_yaml));
  return config.clusters.empty() ? MemberConfig{} : config.clusters[0].members.at(0);
}

TEST(ConfigMembers, ConninfoBecomesParams) {
  auto member = only_member(
      "      - name: db1\n"
      "        conninfo: \"host=127.0.0.1 port=5432 dbname=postgres user=pgvigil sslmode=prefer\"\n");
  EXPECT_EQ(member.name, "db1");
  EXPECT_EQ(member.line, 4);
  EXPECT_EQ(member.params, (Params{{"user", "pgvigil"}, {"dbname", "postgres"}, {"host", "127.0.0.1"},
                                   {"port", "5432"}, {"sslmode", "prefer"}}));
  EXPECT_TRUE(member.inline_password.empty());
}

TEST(ConfigMembers, UriBecomesTheSameParams) {
  auto member = only_member("      - { name: db2, conninfo: \"postgresql://pgvigil@127.0.0.1:5433/postgres\" }\n");
  EXPECT_EQ(member.params, (Params{{"user", "pgvigil"}, {"dbname", "postgres"}, {"host", "127.0.0.1"},
                                   {"port", "5433"}}));
}

TEST(ConfigMembers, DiscreteKeysBecomeParams) {
  auto member = only_member(
      "      - name: db1\n"
      "        host: db1.example\n"
      "        port: 5433\n"
      "        dbname: postgres\n"
      "        user: pgvigil\n"
      "        sslmode: verify-full\n"
      "        sslrootcert: /etc/ssl/root.crt\n");
  EXPECT_EQ(member.params, (Params{{"host", "db1.example"}, {"port", "5433"}, {"dbname", "postgres"},
                                   {"user", "pgvigil"}, {"sslmode", "verify-full"},
                                   {"sslrootcert", "/etc/ssl/root.crt"}}));
}

TEST(ConfigMembers, TlsKeysMayAccompanyAConninfo) {
  auto member = only_member(
      "      - name: db1\n"
      "        conninfo: \"host=h\"\n"
      "        sslmode: require\n"
      "        sslcert: /c\n"
      "        sslkey: /k\n");
  EXPECT_EQ(member.params, (Params{{"host", "h"}, {"sslmode", "require"}, {"sslcert", "/c"}, {"sslkey", "/k"}}));
}

TEST(ConfigMembers, ConninfoWithDiscreteAddressKeysConflicts) {
  auto errors = errors_of(with_members(
      "      - name: db1\n"
      "        conninfo: \"host=h port=5432\"\n"
      "        port: 5433\n"
      "        user: other\n"
      "      - { name: db2, conninfo: \"host=h sslmode=require\", sslmode: disable }\n"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].members[0].port", "conflicting: conninfo and port"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].members[0].user", "conflicting: conninfo and user"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].members[1].sslmode", "conflicting: conninfo and sslmode"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

TEST(ConfigMembers, InvalidConnectionValuesAreErrors) {
  auto errors = errors_of(with_members(
      "      - { name: a, conninfo: \"host=h hots=x\" }\n"
      "      - { name: b, conninfo: \"\" }\n"
      "      - { name: c, port: 70000 }\n"
      "      - { name: d, port: abc }\n"
      "      - { name: e, host: \"\" }\n"
      "      - { name: f, sslmode: maybe }\n"
      "      - { name: g, conninfo: \"host=h sslmode=maybe\" }\n"
      "      - { name: h, password: x }\n"
      "      - { name: i, conninfo: { host: h } }\n"));
  EXPECT_TRUE(has_error(errors, 4, "clusters[0].members[0].conninfo", "invalid conninfo"));
  EXPECT_TRUE(has_error(errors, 4, "clusters[0].members[0].conninfo", "hots"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].members[1].conninfo", "must not be empty"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].members[2].port", "invalid port '70000'"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].members[3].port", "invalid port 'abc'"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].members[4].host", "must not be empty"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].members[5].sslmode", "unknown sslmode 'maybe'"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].members[6].conninfo", "unknown sslmode 'maybe'"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[0].members[7].password", "unknown key 'password'"));
  EXPECT_TRUE(has_error(errors, 12, "clusters[0].members[8].conninfo", "expected a string, found a map"));
  EXPECT_EQ(errors.size(), 9u) << dump(errors);
}

TEST(ConfigMembers, NamesAreRequiredValidAndUniqueWithinACluster) {
  auto errors = errors_of(with_members(
      "      - name: db1\n"
      "      - name: db2\n"
      "      - name: db1\n"
      "      - host: h\n"
      "      - name: \"db/4\"\n"
      "  - name: other\n"
      "    members: [{ name: db1 }]\n"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].members[2].name", "duplicate member name 'db1' (first defined at line 4)"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].members[3].name", "required key 'name' is missing"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].members[4].name", "invalid name 'db/4'"));
  EXPECT_EQ(errors.size(), 3u) << "the same member name in another cluster is fine:" << dump(errors);
}

TEST(ConfigMembers, ApplicationNameIsDroppedBecauseTheDaemonSetsItsOwn) {
  auto loaded = load_config_string(with_members("      - { name: db1, conninfo: \"host=h application_name=psql\" }\n"),
                                   kTestFile);
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_EQ(loaded->config.clusters[0].members[0].params, (Params{{"host", "h"}}));
  ASSERT_EQ(loaded->warnings.size(), 1u);
  EXPECT_NE(loaded->warnings[0].find("application_name"), std::string::npos) << loaded->warnings[0];
}

TEST(ConfigSecrets, InlinePasswordIsKeptApartAndWarnedAboutWithoutBeingShown) {
  const std::string secret = "Tr0ub4dor-3-inline";
  auto loaded = load_config_string(
      with_members("      - { name: db1, conninfo: \"host=h user=u password=" + secret + "\" }\n"
                   "      - { name: db2, conninfo: \"postgresql://u:" + secret + "-uri@h:5432/db\" }\n"),
      kTestFile);
  ASSERT_TRUE(loaded) << dump(loaded.error());
  const auto& members = loaded->config.clusters[0].members;
  EXPECT_EQ(members[0].inline_password, secret);
  EXPECT_EQ(members[0].params, (Params{{"user", "u"}, {"host", "h"}}));
  EXPECT_EQ(members[1].inline_password, secret + "-uri");
  for (const auto& member : members) {
    for (const auto& [key, value] : member.params) EXPECT_NE(key, "password");
  }
  ASSERT_EQ(loaded->warnings.size(), 2u);
  EXPECT_EQ(loaded->warnings[0].rfind("test.yaml:4: clusters[0].members[0].conninfo: a password", 0), 0u)
      << loaded->warnings[0];
  for (const auto& warning : loaded->warnings) EXPECT_EQ(warning.find(secret), std::string::npos) << warning;
}

TEST(ConfigSecrets, InlinePasswordNeverAppearsInErrors) {
  const std::string secret = "Zebra-Secret-4411";
  // The secret is echoed by a value error and sits beside a broken conninfo and a conflict.
  auto errors = errors_of(
      "daemon: { log: { level: " + secret + " } }\n" +
      with_members("      - { name: db1, conninfo: \"host=h password=" + secret + "\", password_file: /nonexistent }\n"
                   "      - { name: db2, conninfo: \"host=h password=" + secret + " bogus\" }\n"
                   "      - { name: db3, conninfo: \"postgresql://u:" + secret + "@h:notaport/db\" }\n"));
  ASSERT_GE(errors.size(), 3u) << dump(errors);
  EXPECT_TRUE(has_error(errors, 1, "daemon.log.level", "unknown value '********'"));
  for (const auto& error : errors) {
    EXPECT_EQ(error.to_string().find(secret), std::string::npos) << error.to_string();
  }
}

TEST(ConfigSecrets, ConninfoInTheWrongPlaceIsNotEchoed) {
  // A value of the wrong type is quoted back in its error, unless it carries a password.
  auto errors = errors_of(
      "clusters:\n"
      "  - name: main\n"
      "    members: \"host=h password=Leaky-Secret-77\"\n"
      "  - name: other\n"
      "    members: \"postgresql://u:Leaky-Secret-78@h/db\"\n");
  EXPECT_TRUE(has_error(errors, 3, "clusters[0].members", "expected a list"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[1].members", "expected a list"));
  for (const auto& error : errors) {
    EXPECT_EQ(error.to_string().find("Leaky-Secret"), std::string::npos) << error.to_string();
  }
}

TEST(ConfigSecrets, PasswordFromTheEnvironmentIsNotWarnedAbout) {
  ::setenv("PGVIGIL_TEST_DB_PASSWORD", "from-env-Secret", 1);
  auto loaded = load_config_string(
      with_members("      - { name: db1, conninfo: \"host=h password=${PGVIGIL_TEST_DB_PASSWORD}\" }\n"), kTestFile);
  ::unsetenv("PGVIGIL_TEST_DB_PASSWORD");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_EQ(loaded->config.clusters[0].members[0].inline_password, "from-env-Secret");
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings[0];
}

using ConfigPasswordFile = ScratchDir;

TEST_F(ConfigPasswordFile, ReadablePathIsKeptAndItsContentIsNot) {
  const auto path = write("db1.pw", "File-Secret-1234\n");
  auto loaded = load_config_string(with_members("      - { name: db1, host: h, password_file: " + path + " }\n"),
                                   kTestFile);
  ASSERT_TRUE(loaded) << dump(loaded.error());
  const auto& member = loaded->config.clusters[0].members[0];
  EXPECT_EQ(member.password_file, path);
  EXPECT_TRUE(member.inline_password.empty());
  for (const auto& [key, value] : member.params) EXPECT_EQ(value.find("File-Secret"), std::string::npos);
  EXPECT_TRUE(loaded->warnings.empty());
}

TEST_F(ConfigPasswordFile, MissingOrDirectoryIsAnErrorAtItsLine) {
  const auto missing = (dir_ / "missing.pw").string();
  auto errors = errors_of(with_members(
      "      - name: db1\n"
      "        password_file: " + missing + "\n"
      "      - name: db2\n"
      "        password_file: " + dir_.string() + "\n"));
  EXPECT_TRUE(has_error(errors, 5, "clusters[0].members[0].password_file", missing + " does not exist"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].members[1].password_file", "is a directory"));
  EXPECT_EQ(errors.size(), 2u) << dump(errors);
}

TEST_F(ConfigPasswordFile, UnreadableFileIsAnError) {
  const auto path = write("locked.pw", "secret\n");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  // Root reads a mode 000 file regardless, so the load runs in a child that drops to nobody.
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    if (::geteuid() == 0 && (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)) {
      ::_exit(77);
    }
    auto errors = errors_of(with_members("      - { name: db1, password_file: " + path + " }\n"));
    const bool reported = has_error(errors, 4, "clusters[0].members[0].password_file", "cannot be read");
    ::_exit(reported && errors.size() == 1 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "cannot drop root privileges here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "an unreadable password_file was not reported as such";
}

TEST_F(ConfigPasswordFile, BesideAnInlinePasswordIsAConflict) {
  const auto path = write("db1.pw", "x\n");
  auto errors = errors_of(with_members(
      "      - name: db1\n"
      "        conninfo: \"host=h password=Inline-Secret\"\n"
      "        password_file: " + path + "\n"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].members[0].password_file", "conflicting"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
  for (const auto& error : errors) EXPECT_EQ(error.message.find("Inline-Secret"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::config
