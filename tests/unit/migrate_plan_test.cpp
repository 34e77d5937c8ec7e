// What migrate reports and plans from the directory and the history alone: every state, what
// up applies (and retries), what down undoes, and when each refuses.
#include "migrate/plan.h"

#include <gtest/gtest.h>

#include "migrate/report.h"

namespace pgvigil::migrate {
namespace {

MigrationFile file(std::int64_t version, std::string name, std::string checksum, bool with_down = true) {
  MigrationFile f;
  f.version = version;
  f.name = std::move(name);
  f.up_path = migration_file_name(version, f.name, Direction::up);
  if (with_down) f.down_path = migration_file_name(version, f.name, Direction::down);
  f.checksum = std::move(checksum);
  return f;
}

HistoryRow applied(std::int64_t version, std::string name, std::string checksum) {
  return HistoryRow{version, std::move(name), std::move(checksum), "2026-12-01 10:00:00Z", 5, HistoryStatus::applied, ""};
}

HistoryRow failed(std::int64_t version, std::string name, std::string checksum) {
  return HistoryRow{version, std::move(name), std::move(checksum), "2026-12-01 10:00:00Z", 1, HistoryStatus::failed,
                    "ERROR: boom"};
}

std::vector<MigrationState> states(const std::vector<StatusEntry>& status) {
  std::vector<MigrationState> out;
  for (const auto& e : status) out.push_back(e.state);
  return out;
}

std::vector<std::int64_t> versions(const std::vector<const MigrationFile*>& files) {
  std::vector<std::int64_t> out;
  for (const auto* f : files) out.push_back(f->version);
  return out;
}

std::vector<std::int64_t> versions(const std::vector<DownStep>& steps) {
  std::vector<std::int64_t> out;
  for (const auto& s : steps) out.push_back(s.version);
  return out;
}

using States = std::vector<MigrationState>;
using Versions = std::vector<std::int64_t>;

TEST(MigratePlan, EveryStateFromFilesAndHistory) {
  const std::vector<MigrationFile> files{file(1, "a", "c1"), file(2, "b", "c2-edited"), file(4, "d", "c4"),
                                         file(5, "e", "c5")};
  const std::vector<HistoryRow> history{applied(1, "a", "c1"), applied(2, "b", "c2"), applied(3, "gone", "c3"),
                                        failed(4, "d", "c4-old")};
  const auto status = compute_status(files, history);
  EXPECT_EQ(states(status), (States{MigrationState::applied, MigrationState::checksum_mismatch,
                                    MigrationState::file_missing, MigrationState::failed, MigrationState::pending}));
  EXPECT_EQ(status[2].name, "gone") << "a version known only from the history keeps its recorded name";
  EXPECT_EQ(status[2].file, nullptr);
  EXPECT_EQ(status[4].row, std::nullopt);
  EXPECT_FALSE(in_agreement(status));
  EXPECT_EQ(describe_mismatches(status), "0002_b.up.sql");
}

TEST(MigratePlan, AgreementMeansEveryVersionApplied) {
  const std::vector<MigrationFile> files{file(1, "a", "c1"), file(2, "b", "c2")};
  EXPECT_TRUE(in_agreement(compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2")})));
  EXPECT_FALSE(in_agreement(compute_status(files, {applied(1, "a", "c1")})));
  EXPECT_TRUE(in_agreement(compute_status({}, {})));
}

TEST(MigratePlan, UpAppliesPendingAndRetriesFailedInOrder) {
  const std::vector<MigrationFile> files{file(1, "a", "c1"), file(2, "b", "c2"), file(3, "c", "c3"), file(4, "d", "c4")};
  const auto status = compute_status(files, {applied(1, "a", "c1"), failed(2, "b", "old")});
  const auto plan = plan_up(status, std::nullopt, false);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(versions(plan->apply), (Versions{2, 3, 4}));
  EXPECT_TRUE(plan->warnings.empty());

  const auto until3 = plan_up(status, 3, false);
  ASSERT_TRUE(until3);
  EXPECT_EQ(versions(until3->apply), (Versions{2, 3}));

  const auto nothing = plan_up(compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2"),
                                                      applied(3, "c", "c3"), applied(4, "d", "c4")}),
                               std::nullopt, false);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->apply.empty());
}

TEST(MigratePlan, UpRefusesAChangedAppliedFileUnlessForced) {
  const std::vector<MigrationFile> files{file(1, "a", "edited"), file(2, "b", "c2")};
  const auto status = compute_status(files, {applied(1, "a", "c1")});
  const auto refused = plan_up(status, std::nullopt, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("0001_a.up.sql"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("--force"), std::string::npos);

  const auto forced = plan_up(status, std::nullopt, true);
  ASSERT_TRUE(forced);
  EXPECT_EQ(versions(forced->apply), (Versions{2})) << "the changed file is not run again";
  ASSERT_EQ(forced->warnings.size(), 1u);
}

TEST(MigratePlan, UpWarnsAboutMissingFilesAndOutOfOrderVersions) {
  const std::vector<MigrationFile> files{file(2, "b", "c2"), file(4, "d", "c4")};
  const auto plan = plan_up(compute_status(files, {applied(1, "a", "c1"), applied(3, "c", "c3")}), std::nullopt, false);
  ASSERT_TRUE(plan);
  EXPECT_EQ(versions(plan->apply), (Versions{2, 4}));
  ASSERT_EQ(plan->warnings.size(), 3u);
  EXPECT_NE(plan->warnings[0].find("0001_a.up.sql"), std::string::npos);
  EXPECT_NE(plan->warnings[1].find("0003_c.up.sql"), std::string::npos);
  EXPECT_NE(plan->warnings[2].find("0002_b.up.sql is older"), std::string::npos) << plan->warnings[2];
}

TEST(MigratePlan, UpToAnUnknownVersionIsRefused) {
  const std::vector<MigrationFile> files{file(1, "a", "c1")};
  EXPECT_FALSE(plan_up(compute_status(files, {}), 9, false));
}

TEST(MigratePlan, DownUndoesTheLatestAppliedNewestFirst) {
  const std::vector<MigrationFile> files{file(1, "a", "c1"), file(2, "b", "c2"), file(3, "c", "c3"), file(4, "d", "c4")};
  const auto status = compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2"), failed(3, "c", "c3")});
  const auto one = plan_down(status, 1, false);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(versions(*one), (Versions{2})) << "failed and pending versions are not undone";
  const auto all = plan_down(status, 10, false);
  ASSERT_TRUE(all);
  EXPECT_EQ(versions(*all), (Versions{2, 1}));
  EXPECT_TRUE(plan_down(compute_status(files, {}), 1, false)->empty());
}

TEST(MigratePlan, DownRefusesWithoutADownFile) {
  const std::vector<MigrationFile> files{file(1, "a", "c1"), file(2, "b", "c2", false)};
  const auto status = compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2"), applied(3, "gone", "c3")});
  const auto gone = plan_down(status, 1, false);
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message.find("0003_gone.down.sql"), std::string::npos) << gone.error().message;
  const auto no_down = plan_down(compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2")}), 1, true);
  ASSERT_FALSE(no_down);
  EXPECT_NE(no_down.error().message.find("0002_b.down.sql"), std::string::npos) << no_down.error().message;
}

TEST(MigratePlan, DownRefusesWhileAnyAppliedFileChangedUnlessForced) {
  const std::vector<MigrationFile> files{file(1, "a", "edited"), file(2, "b", "c2")};
  const auto status = compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2")});
  const auto refused = plan_down(status, 1, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("0001_a.up.sql"), std::string::npos);
  const auto forced = plan_down(status, 1, true);
  ASSERT_TRUE(forced);
  EXPECT_EQ(versions(*forced), (Versions{2}));
}

TEST(MigrateReport, StatusIsAnAlignedTableOfEveryVersion) {
  const std::vector<MigrationFile> files{file(1, "create_users", "c1"), file(12, "b", "c2")};
  const std::string table = format_status(compute_status(files, {applied(1, "create_users", "c1")}));
  EXPECT_EQ(table,
            "VERSION  NAME          STATE    APPLIED_AT            EXECUTION\n"
            "1        create_users  applied  2026-12-01 10:00:00Z  5 ms\n"
            "12       b             pending  -                     -\n");
  EXPECT_EQ(format_status({}), "no migrations\n");
}

TEST(MigrateReport, VerifyNamesEveryDisagreement) {
  const std::vector<MigrationFile> files{file(1, "a", "c1-edited"), file(3, "c", "c3"), file(4, "d", "c4")};
  const std::string report = format_verify(
      compute_status(files, {applied(1, "a", "c1"), applied(2, "b", "c2"), failed(3, "c", "c3")}));
  EXPECT_NE(report.find("checksum mismatch: 0001_a.up.sql"), std::string::npos) << report;
  EXPECT_NE(report.find("file missing: 0002_b.up.sql"), std::string::npos) << report;
  EXPECT_NE(report.find("failed: 0003_c.up.sql: ERROR: boom"), std::string::npos) << report;
  EXPECT_NE(report.find("pending: 0004_d.up.sql"), std::string::npos) << report;
  EXPECT_NE(report.find("4 differences"), std::string::npos) << report;
  HistoryRow placed = failed(3, "c", "c3");
  placed.error = "0003_c.up.sql:4: ERROR: syntax error at or near \"TABL\"";
  EXPECT_EQ(format_verify(compute_status({file(3, "c", "c3")}, {placed})),
            "failed: 0003_c.up.sql:4: ERROR: syntax error at or near \"TABL\"\n"
            "1 difference between the directory and the database\n");
  EXPECT_EQ(format_verify(compute_status({file(1, "a", "c1")}, {applied(1, "a", "c1")})),
            "OK: 1 migration applied; the directory and the database agree\n");
}

}  // namespace
}  // namespace pgvigil::migrate
