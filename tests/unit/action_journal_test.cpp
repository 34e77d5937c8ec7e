// The daemon-wide action journal: numbering and dating, one record per session and reason, the
// ring of recent records, the counters, the listeners and the audit file.
#include "queries/action_journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "action_builders.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;
using config::CancelMode;
namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-journal-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> lines_of_file(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<BackendPid> pids_of(const ActionHistory& history) {
  std::vector<BackendPid> pids;
  for (const auto& entry : history.recent) pids.push_back(entry->record.decision.session.pid);
  return pids;
}

TEST(ActionJournal, RecordsAreNumberedAndDatedByTheJournal) {
  ManualClock clock;
  ActionJournal journal("", clock);
  EXPECT_EQ(journal.record({record_for(1), record_for(2)}), 2u);
  clock.advance(5s);
  EXPECT_EQ(journal.record({record_for(3)}), 1u);

  const auto history = journal.history();
  ASSERT_EQ(history->recent.size(), 3u);
  EXPECT_EQ(pids_of(*history), (std::vector<BackendPid>{3, 2, 1})) << "newest first";
  EXPECT_EQ(history->recent[0]->record.id, 3u);
  EXPECT_EQ(history->recent[2]->record.id, 1u);
  EXPECT_EQ(history->recent[0]->record.at - history->recent[2]->record.at, 5s);
  EXPECT_EQ(history->recorded, 3u);
  // The served JSON is the record as numbered and dated.
  EXPECT_EQ(nlohmann::json::parse(history->recent[0]->json)["id"], 3);
}

TEST(ActionJournal, ARepeatedSkipIsNotRecordedAgain) {
  ManualClock clock;
  ActionJournal journal("", clock);
  ActionRecord first = record_for(9, CancelAction::skip, CancelReason::superuser);
  ActionRecord again = first;
  again.decision.repeated = true;
  EXPECT_EQ(journal.record({first}), 1u);
  EXPECT_EQ(journal.record({again}), 0u);
  EXPECT_EQ(journal.record({again, record_for(10)}), 1u);

  const auto history = journal.history();
  EXPECT_EQ(pids_of(*history), (std::vector<BackendPid>{10, 9}));
  EXPECT_EQ(history->recorded, 2u);
  const ActionCountKey superuser_skips{"main", CancelAction::skip, CancelMode::enforce, CancelReason::superuser};
  EXPECT_EQ(history->counts.at(superuser_skips), 1u);
}

TEST(ActionJournal, TheRingKeepsTheNewestRecordsAndTheCountersKeepEverything) {
  ManualClock clock;
  ActionJournal journal("", clock, {}, 3);
  for (BackendPid pid = 1; pid <= 5; ++pid) journal.record({record_for(pid)});
  journal.record({record_for(6, CancelAction::cancel, CancelReason::max_query_duration, CancelMode::dry_run)});
  journal.record({record_for(7, CancelAction::terminate, CancelReason::terminate_after, CancelMode::enforce, "other")});

  const auto history = journal.history();
  EXPECT_EQ(history->capacity, 3u);
  EXPECT_EQ(pids_of(*history), (std::vector<BackendPid>{7, 6, 5}));
  EXPECT_EQ(history->recorded, 7u);
  const std::map<ActionCountKey, std::uint64_t> expected{
      {{"main", CancelAction::cancel, CancelMode::enforce, CancelReason::max_query_duration}, 5},
      {{"main", CancelAction::cancel, CancelMode::dry_run, CancelReason::max_query_duration}, 1},
      {{"other", CancelAction::terminate, CancelMode::enforce, CancelReason::terminate_after}, 1}};
  EXPECT_EQ(history->counts, expected);
}

TEST(ActionJournal, APublishedHistoryNeverChanges) {
  ManualClock clock;
  ActionJournal journal("", clock);
  journal.record({record_for(1)});
  const auto before = journal.history();
  journal.record({record_for(2)});
  EXPECT_EQ(before->recent.size(), 1u);
  EXPECT_EQ(before->recorded, 1u);
  EXPECT_EQ(journal.history()->recent.size(), 2u);
}

TEST(ActionJournal, ListenersHearEachRecordAndOnChangeOncePerRound) {
  ManualClock clock;
  int changes = 0;
  ActionJournal journal("", clock, [&] { ++changes; });
  std::vector<std::uint64_t> heard;
  journal.add_listener([&](const ActionRecord& r) { heard.push_back(r.id); });
  ActionRecord repeated = record_for(3, CancelAction::skip, CancelReason::excluded_application);
  repeated.decision.repeated = true;

  journal.record({record_for(1), record_for(2), repeated});
  journal.record({repeated});  // nothing recorded: no change to announce
  EXPECT_EQ(heard, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(changes, 1);
}

TEST(ActionJournal, TheAuditFileGetsOneJsonLinePerRecordInAPrivateDirectory) {
  ScratchDir scratch;
  const fs::path state_dir = scratch.path() / "state" / "nested";
  ManualClock clock;
  {
    ActionJournal journal(state_dir.string(), clock);
    EXPECT_EQ(journal.file_path(), (state_dir / "actions.jsonl").string());
    ASSERT_TRUE(fs::is_directory(state_dir)) << "state_dir is created at start-up";
    EXPECT_EQ(fs::status(state_dir).permissions() & fs::perms::all, fs::perms::owner_all);
    ActionRecord skipped = record_for(2, CancelAction::skip, CancelReason::maintenance);
    ActionRecord repeated = skipped;
    repeated.decision.repeated = true;
    journal.record({record_for(1), skipped});
    journal.record({repeated});
  }
  const auto lines = lines_of_file(state_dir / "actions.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  const auto first = nlohmann::json::parse(lines[0]);
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["pid"], 1);
  EXPECT_EQ(second["id"], 2);
  EXPECT_EQ(second["reason"], "maintenance");
}

TEST(ActionJournal, AStateDirThatCannotBeCreatedLeavesTheJournalInMemory) {
  ScratchDir scratch;
  const fs::path blocker = scratch.path() / "not-a-directory";
  std::ofstream(blocker) << "x";
  ManualClock clock;
  ActionJournal journal((blocker / "state").string(), clock);
  EXPECT_EQ(journal.file_path(), "") << "no file to name";
  EXPECT_EQ(journal.record({record_for(1)}), 1u);
  EXPECT_EQ(journal.history()->recent.size(), 1u);
  EXPECT_EQ(journal.history()->counts.size(), 1u);
}

}  // namespace
}  // namespace pgvigil::queries
