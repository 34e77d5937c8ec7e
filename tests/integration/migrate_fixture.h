// Shared by the `pgvigil migrate` acceptance tests: a primary and replica started once for the
// suite, a fresh database per test (so that history tables and schemas never meet), a migrations
// directory, and the real binary run as a subprocess against them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "daemon_under_test.h"
#include "sql_client.h"

namespace pgvigil::acceptance {

class MigrateDb : public SharedClusterTest {
 protected:
  static constexpr auto kCommandLimit = 60s;

  void SetUp() override {
    static std::atomic<int> counter{0};
    db_ = "migrate_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    cluster_->exec(testing::PgCluster::kPrimary, "CREATE DATABASE " + db_ + " OWNER pgvigil");
    fs::create_directories(dir_ / "migrations");
  }
  void TearDown() override {
    try {
      cluster_->exec(testing::PgCluster::kPrimary, "DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // the next test uses a database of its own anyway
    }
  }

  std::string migrations() const { return dir_ / "migrations"; }
  std::string dsn(const std::string& user = "postgres") const {
    return cluster_->conninfo(testing::PgCluster::kPrimary, user, db_);
  }

  void write(const std::string& file, const std::string& sql) const { dir_.write("migrations/" + file, sql); }

  // `pgvigil migrate ARGS --dsn <test database> --dir <migrations>`.
  SplitOutput migrate(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{PGVIGIL_BINARY, "migrate"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--dsn", dsn(), "--dir", migrations()});
    return run_split(dir_, "migrate" + std::to_string(++runs_), argv, kCommandLimit);
  }

  testing::Rows sql(const std::string& statement) const { return testing::run_sql(dsn(), statement); }

  std::string value(const std::string& query) const {
    const auto rows = sql(query);
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return "<null>";
    return *rows[0][0];
  }

  // "version:status" of every history row, ascending.
  std::vector<std::string> history(const std::string& table = "pgvigil_schema_migrations") const {
    std::vector<std::string> out;
    for (const auto& row : sql("SELECT version || ':' || status FROM " + table + " ORDER BY version")) {
      out.push_back(row[0].value_or("<null>"));
    }
    return out;
  }

  bool exists(const std::string& relation) const {
    return value("SELECT to_regclass('" + relation + "') IS NOT NULL") == "t";
  }

  TempDir dir_;
  std::string db_;
  mutable int runs_ = 0;
};

using Lines = std::vector<std::string>;

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace pgvigil::acceptance
