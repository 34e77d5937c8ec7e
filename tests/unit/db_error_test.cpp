#include "db/error.h"

#include <gtest/gtest.h>

namespace pgvigil::db {
namespace {

struct Case {
  const char* sqlstate;
  const char* message;
  ErrorKind kind;
  bool retryable;
};

class Classify : public ::testing::TestWithParam<Case> {};

TEST_P(Classify, BySqlstateOrMessage) {
  const auto& c = GetParam();
  const auto error = classify(c.sqlstate, c.message);
  EXPECT_EQ(error.kind, c.kind) << c.sqlstate << " " << c.message << " -> " << to_string(error.kind);
  EXPECT_EQ(error.retryable, c.retryable);
  EXPECT_FALSE(error.suggestion.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, Classify,
    ::testing::Values(
        Case{"28P01", "password authentication failed for user \"x\"", ErrorKind::authentication, false},
        Case{"", "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed",
             ErrorKind::authentication, false},
        Case{"", "fe_sendauth: no password supplied", ErrorKind::authentication, false},
        Case{"", "FATAL:  no pg_hba.conf entry for host \"127.0.0.1\"", ErrorKind::authentication, false},
        Case{"", "FATAL:  role \"nobody\" does not exist", ErrorKind::authentication, false},
        Case{"", "FATAL:  database \"nope\" does not exist", ErrorKind::schema, false},
        Case{"42501", "permission denied for function pg_ls_waldir", ErrorKind::permission, false},
        Case{"57014", "canceling statement due to statement timeout", ErrorKind::timeout, true},
        Case{"55P03", "canceling statement due to lock timeout", ErrorKind::timeout, true},
        Case{"42P01", "relation \"pg_stat_statements\" does not exist", ErrorKind::schema, false},
        Case{"55000", "pg_stat_statements must be loaded via shared_preload_libraries", ErrorKind::schema, false},
        Case{"57P01", "terminating connection due to administrator command", ErrorKind::connection, true},
        Case{"08006", "server closed the connection unexpectedly", ErrorKind::connection, true},
        Case{"53300", "sorry, too many clients already", ErrorKind::connection, true},
        Case{"", "connection to server at \"127.0.0.1\", port 1 failed: Connection refused", ErrorKind::connection,
             true},
        Case{"22012", "division by zero", ErrorKind::query, false}));

TEST(Error, MessagesAreOneLineAndRedacted) {
  const auto error = classify("", "could not connect\n  using host=h password=hunter2 port=5\n");
  EXPECT_EQ(error.message.find('\n'), std::string::npos);
  EXPECT_EQ(error.message.find("hunter2"), std::string::npos) << error.message;
  EXPECT_EQ(error.to_string(), "connection: " + error.message);
}

TEST(Error, ToStringCarriesTheSqlstate) {
  EXPECT_EQ(classify("28P01", "password authentication failed").to_string(),
            "authentication: password authentication failed (28P01)");
}

}  // namespace
}  // namespace pgvigil::db
