// The schema check's judgement without a server: observations as the statements and the directory
// scan would produce them, and the reasons (check `schema`, the kind in `value`) they must give.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "health/schema/schema_evaluation.h"

namespace pgvigil::health {
namespace {

const std::string kSumA(64, 'a');
const std::string kSumB(64, 'b');
const std::string kSumC(64, 'c');

config::SchemaConfig full_config() {
  config::SchemaConfig config;
  config.required_extensions = {"pg_stat_statements"};
  config.required_tables = {"public.users"};
  config.required_indexes = {"public.users_email_key"};
  config.migrations_dir = "/etc/pgvigil/migrations/main";
  return config;
}

HistoryTableFound pgvigil_table() {
  return HistoryTableFound{HistoryTool::pgvigil, "public.pgvigil_schema_migrations", true,
                           {"version", "name", "checksum", "applied_at", "execution_ms", "status"}};
}

// Everything in order: required objects present, two migrations applied from the files on disk.
SchemaObservation all_well() {
  SchemaObservation obs;
  obs.catalog.extensions = {"pg_stat_statements"};
  obs.catalog.relkinds = {{"public.users", "r"}, {"public.users_email_key", "i"}};
  obs.catalog.history = {pgvigil_table()};
  obs.history.pgvigil = std::vector<AppliedMigration>{{1, "create_users", kSumA, "applied", ""},
                                                      {2, "add_email_index", kSumB, "applied", ""}};
  obs.files = std::vector<MigrationFileSum>{{1, "create_users", kSumA}, {2, "add_email_index", kSumB}};
  return obs;
}

struct Judged {
  Evaluation evaluation;
  int problems = 0;
};

Judged judge(const SchemaObservation& obs, const config::SchemaConfig& config = full_config()) {
  Judged out;
  out.problems = evaluate_schema(obs, config, out.evaluation);
  return out;
}

std::vector<const Reason*> of_kind(const Evaluation& evaluation, const std::string& kind) {
  std::vector<const Reason*> found;
  for (const auto& reason : evaluation.reasons) {
    if (reason.value == kind) found.push_back(&reason);
  }
  return found;
}

// The only reason is one of `kind`, at `severity`, of check schema, and its message says `says`.
void expect_only(const Judged& judged, const std::string& kind, Severity severity, const std::string& says) {
  ASSERT_EQ(judged.evaluation.reasons.size(), 1u) << (judged.evaluation.reasons.empty()
                                                          ? std::string("no reason")
                                                          : judged.evaluation.reasons[0].value + ": " +
                                                                judged.evaluation.reasons[0].message);
  const Reason& reason = judged.evaluation.reasons[0];
  EXPECT_EQ(reason.check, "schema");
  EXPECT_EQ(reason.value, kind);
  EXPECT_EQ(reason.severity, severity);
  EXPECT_NE(reason.message.find(says), std::string::npos) << reason.message;
  EXPECT_EQ(judged.problems, 1);
  EXPECT_EQ(judged.evaluation.status, status_for(severity));
  EXPECT_FALSE(judged.evaluation.recommendations.empty()) << "every reason comes with its fix";
}

TEST(SchemaEvaluation, NothingWhenAllIsWell) {
  const auto judged = judge(all_well());
  EXPECT_TRUE(judged.evaluation.reasons.empty()) << judged.evaluation.reasons[0].message;
  EXPECT_EQ(judged.evaluation.status, Status::healthy);
  EXPECT_EQ(judged.problems, 0);
}

TEST(SchemaEvaluation, NothingWithoutExpectationsOnAnEmptyDatabase) {
  const auto judged = judge(SchemaObservation{}, config::SchemaConfig{});
  EXPECT_TRUE(judged.evaluation.reasons.empty());
  EXPECT_EQ(judged.problems, 0);
}

TEST(SchemaEvaluation, TheFixForAMissingExtensionIsRunnableSql) {
  config::SchemaConfig config;
  config.required_extensions = {"uuid-ossp"};
  expect_only(judge(SchemaObservation{}, config), "missing_extension", Severity::warning,
              R"(run CREATE EXTENSION "uuid-ossp";)");
}

TEST(SchemaEvaluation, MissingExtensionTableAndIndexAtTheConfiguredSeverity) {
  auto obs = all_well();
  obs.catalog.extensions.clear();
  expect_only(judge(obs), "missing_extension", Severity::warning, "extension pg_stat_statements is not installed");

  obs = all_well();
  obs.catalog.relkinds["public.users"] = "";
  expect_only(judge(obs), "missing_table", Severity::warning, "table public.users does not exist");

  obs = all_well();
  obs.catalog.relkinds["public.users_email_key"] = "";
  expect_only(judge(obs), "missing_index", Severity::warning, "index public.users_email_key does not exist");

  auto critical = full_config();
  critical.severity = config::SchemaSeverity::critical;
  obs = all_well();
  obs.catalog.relkinds.erase("public.users");  // not even in the answer: the same as absent
  expect_only(judge(obs, critical), "missing_table", Severity::critical, "public.users");
}

TEST(SchemaEvaluation, ARelationOfTheWrongKindIsMissing) {
  auto obs = all_well();
  obs.catalog.relkinds["public.users_email_key"] = "r";
  expect_only(judge(obs), "missing_index", Severity::warning, "public.users_email_key is a table, not an index");

  obs = all_well();
  obs.catalog.relkinds["public.users"] = "i";
  expect_only(judge(obs), "missing_table", Severity::warning, "public.users is an index, not a table");

  for (const char* kind : {"p", "v", "m", "f"}) {
    obs = all_well();
    obs.catalog.relkinds["public.users"] = kind;
    EXPECT_TRUE(judge(obs).evaluation.reasons.empty()) << "relkind " << kind << " reads as a table";
  }
  obs = all_well();
  obs.catalog.relkinds["public.users_email_key"] = "I";  // a partitioned index
  EXPECT_TRUE(judge(obs).evaluation.reasons.empty());
}

TEST(SchemaEvaluation, FailedMigration) {
  auto obs = all_well();
  (*obs.history.pgvigil)[1].status = "failed";
  (*obs.history.pgvigil)[1].error = "relation \"users\" does not exist";
  expect_only(judge(obs), "migration_failed", Severity::warning,
              "migration 2 (add_email_index) failed: relation \"users\" does not exist");
}

TEST(SchemaEvaluation, FailedMigrationIsReportedWithoutADirectoryToo) {
  auto config = full_config();
  config.migrations_dir.clear();
  auto obs = all_well();
  obs.files.reset();
  (*obs.history.pgvigil)[0].status = "failed";
  expect_only(judge(obs, config), "migration_failed", Severity::warning, "migration 1 (create_users) failed");
}

TEST(SchemaEvaluation, ChecksumMismatchNamesTheMigrationAndBothChecksums) {
  auto obs = all_well();
  (*obs.files)[0].checksum = kSumC;
  expect_only(judge(obs), "checksum_mismatch", Severity::warning, "migration 1 (create_users) was applied with checksum aaaaaaaaaaaa");
  EXPECT_NE(judge(obs).evaluation.reasons[0].message.find("cccccccccccc"), std::string::npos);
}

TEST(SchemaEvaluation, ChecksumsCompareWithoutRegardToCase) {
  auto obs = all_well();
  (*obs.history.pgvigil)[0].checksum = std::string(64, 'A');
  EXPECT_TRUE(judge(obs).evaluation.reasons.empty());
}

TEST(SchemaEvaluation, AppliedMigrationWithoutItsFile) {
  auto obs = all_well();
  obs.files->pop_back();
  expect_only(judge(obs), "migration_file_missing", Severity::warning,
              "migration 2 (add_email_index) is applied but has no file in /etc/pgvigil/migrations/main");
}

TEST(SchemaEvaluation, PendingMigrationsAreOneWarningWhateverTheSeverity) {
  auto config = full_config();
  config.severity = config::SchemaSeverity::critical;
  auto obs = all_well();
  obs.files->push_back({3, "add_orders", kSumC});
  obs.files->push_back({4, "add_items", kSumC});
  const auto judged = judge(obs, config);
  ASSERT_EQ(judged.evaluation.reasons.size(), 1u);
  const Reason& reason = judged.evaluation.reasons[0];
  EXPECT_EQ(reason.value, "migrations_pending");
  EXPECT_EQ(reason.severity, Severity::warning);
  EXPECT_EQ(reason.message, "2 migrations in /etc/pgvigil/migrations/main are not applied: 3 (add_orders), 4 (add_items)");
  EXPECT_EQ(reason.number, 2);
  EXPECT_EQ(judged.problems, 2) << "each pending migration counts";
  EXPECT_EQ(judged.evaluation.status, Status::degraded);
}

TEST(SchemaEvaluation, MissingHistoryTableWhenADirectoryOrTableIsConfigured) {
  auto obs = all_well();
  obs.catalog.history.clear();
  obs.history.pgvigil.reset();
  expect_only(judge(obs), "history_table_missing", Severity::warning, "public.pgvigil_schema_migrations does not exist");

  auto named = full_config();
  named.migrations_dir.clear();
  named.history_table_set = true;
  obs.files.reset();
  expect_only(judge(obs, named), "history_table_missing", Severity::warning, "public.pgvigil_schema_migrations");

  auto nothing = full_config();
  nothing.migrations_dir.clear();
  EXPECT_TRUE(judge(obs, nothing).evaluation.reasons.empty()) << "neither configured: nothing is expected";
}

TEST(SchemaEvaluation, UnreadableHistoryTable) {
  auto obs = all_well();
  obs.catalog.history[0].readable = false;
  obs.history.pgvigil.reset();
  expect_only(judge(obs), "history_table_unreadable", Severity::warning, "is not readable by the monitoring role");

  obs = all_well();
  obs.catalog.history[0].columns = {"id", "applied_at"};
  obs.history.pgvigil.reset();
  expect_only(judge(obs), "history_table_unreadable", Severity::warning, "lacks the columns");
}

TEST(SchemaEvaluation, UnreadableDirectoryIsAWarning) {
  auto config = full_config();
  config.severity = config::SchemaSeverity::critical;
  auto obs = all_well();
  obs.files.reset();
  obs.files_error = "/etc/pgvigil/migrations/main: Permission denied";
  expect_only(judge(obs, config), "migrations_dir_unreadable", Severity::warning, "Permission denied");
}

TEST(SchemaEvaluation, FailedStatementsSayOnlyThat) {
  SchemaObservation obs;
  obs.query_error = "timeout: query timed out";
  expect_only(judge(obs), "query_failed", Severity::warning, "query timed out");
}

TEST(SchemaEvaluation, OtherToolsProblems) {
  auto obs = all_well();
  obs.history.prisma = {{"20240101_init", "2024-01-01T00:00:00+00:00", "", false}};
  expect_only(judge(obs), "prisma_migration_unfinished", Severity::warning, "20240101_init started");

  obs = all_well();
  obs.history.prisma = {{"20240101_init", "2024-01-01T00:00:00+00:00", "syntax error at or near \"TABL\"", false}};
  expect_only(judge(obs), "prisma_migration_unfinished", Severity::warning, "failed");

  obs = all_well();
  obs.history.prisma = {{"20240101_init", "2024-01-01T00:00:00+00:00", "", true}};
  expect_only(judge(obs), "prisma_migration_rolled_back", Severity::warning, "20240101_init is marked rolled back");

  obs = all_well();
  obs.history.flyway = {{"2", "add users", "V2__add_users.sql"}};
  expect_only(judge(obs), "flyway_migration_failed", Severity::warning, "Flyway migration 2 add users (V2__add_users.sql) failed");

  obs = all_well();
  obs.history.golang_migrate_dirty = {"7"};
  expect_only(judge(obs), "golang_migrate_dirty", Severity::warning, "version 7 dirty");

  obs = all_well();
  obs.history.alembic_versions = {"ae1027a6acf"};
  EXPECT_TRUE(judge(obs).evaluation.reasons.empty()) << "Alembic's version is information only";
}

TEST(SchemaEvaluation, OtherToolsAreIgnoredWhenSwitchedOff) {
  auto config = full_config();
  config.other_tools = false;
  auto obs = all_well();
  obs.history.flyway = {{"2", "add users", "V2__add_users.sql"}};
  EXPECT_TRUE(judge(obs, config).evaluation.reasons.empty());
}

TEST(SchemaEvaluation, AnUnreadableOtherToolTableIsReportedButOneWithoutItsColumnsIsNot) {
  auto obs = all_well();
  obs.catalog.history.push_back({HistoryTool::flyway, "public.flyway_schema_history", false, {}});
  expect_only(judge(obs), "history_table_unreadable", Severity::warning, "public.flyway_schema_history");

  obs = all_well();
  obs.catalog.history.push_back({HistoryTool::golang_migrate, "public.schema_migrations", true, {"version"}});
  EXPECT_TRUE(judge(obs).evaluation.reasons.empty()) << "Rails' schema_migrations is not golang-migrate's";
}

TEST(SchemaEvaluation, CriticalSeverityMakesTheMemberUnhealthy) {
  auto config = full_config();
  config.severity = config::SchemaSeverity::critical;
  auto obs = all_well();
  (*obs.files)[1].checksum = kSumC;
  obs.catalog.extensions.clear();
  const auto judged = judge(obs, config);
  EXPECT_EQ(judged.evaluation.status, Status::unhealthy);
  EXPECT_EQ(judged.problems, 2);
  ASSERT_EQ(of_kind(judged.evaluation, "checksum_mismatch").size(), 1u);
  ASSERT_EQ(of_kind(judged.evaluation, "missing_extension").size(), 1u);
  for (const auto& reason : judged.evaluation.reasons) EXPECT_EQ(reason.severity, Severity::critical);
}

TEST(SchemaEvaluation, ReasonsPerKindAreCappedButAllProblemsCounted) {
  auto config = full_config();
  config.required_tables.clear();
  for (int i = 0; i < 8; ++i) config.required_tables.push_back("public.t" + std::to_string(i));
  auto obs = all_well();
  const auto judged = judge(obs, config);
  const auto missing = of_kind(judged.evaluation, "missing_table");
  ASSERT_EQ(missing.size(), kMaxSchemaReasonsPerKind);
  EXPECT_NE(missing.back()->message.find("(and 3 more like it)"), std::string::npos) << missing.back()->message;
  EXPECT_EQ(missing.front()->number, 8) << "each reason carries the count of its kind";
  EXPECT_EQ(judged.problems, 8);
}

}  // namespace
}  // namespace pgvigil::health
