// The alert spool: what survives a restart, a crash in the middle of a write, compaction, a full
// spool and a state_dir that cannot be written.
#include "alerts/spool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "alert_test_support.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;
using testing::LogCapture;
using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr std::uint64_t kRoomy = 16 * 1024 * 1024;
const WallTime kT0 = WallTime{} + std::chrono::hours(24 * 365 * 56);

// Ids and bodies of the pending deliveries for `target`, oldest first, by taking them in turn.
std::vector<std::string> drain(Spool& spool, std::string_view target) {
  std::vector<std::string> bodies;
  while (auto delivery = spool.next(target)) {
    bodies.push_back(delivery->body);
    spool.done(delivery->id);
  }
  return bodies;
}

TEST(Spool, AddThenDoneAndReopenReplaysWhatIsPendingInOrder) {
  ScratchDir dir;
  {
    Spool spool(dir.str(), kRoomy);
    EXPECT_TRUE(spool.durable());
    const auto first = spool.add("am#0", R"({"n":1})", kT0);
    spool.add("am#0", R"({"n":2})", kT0 + 1s);
    spool.add("ops#0", R"({"n":3})", kT0 + 2s);
    spool.add("am#0", R"({"n":4})", kT0 + 3s);
    spool.done(first);
    EXPECT_EQ(spool.pending_count(), 3u);
  }
  Spool spool(dir.str(), kRoomy);
  EXPECT_EQ(spool.pending_count(), 3u);
  EXPECT_EQ(spool.pending_count("am#0"), 2u);
  EXPECT_EQ(spool.pending_count("ops#0"), 1u);
  EXPECT_EQ(spool.pending_targets(), (std::vector<std::string>{"am#0", "ops#0"}));
  const auto next = spool.next("am#0");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, R"({"n":2})");
  EXPECT_EQ(next->target, "am#0");
  EXPECT_EQ(next->created_at, kT0 + 1s);
  EXPECT_EQ(drain(spool, "am#0"), (std::vector<std::string>{R"({"n":2})", R"({"n":4})"}));
  EXPECT_EQ(drain(spool, "ops#0"), (std::vector<std::string>{R"({"n":3})"}));
  EXPECT_FALSE(spool.next("am#0"));
}

TEST(Spool, KeepsBodiesByteForByte) {
  ScratchDir dir;
  const std::string body = "{\"text\":\"line\\nnext \\\"quoted\\\" \xc3\xa9\"}\n";
  { Spool(dir.str(), kRoomy).add("t#0", body, kT0); }
  Spool spool(dir.str(), kRoomy);
  ASSERT_TRUE(spool.next("t#0"));
  EXPECT_EQ(spool.next("t#0")->body, body);
}

TEST(Spool, MakesAPrivateDirectoryAndFile) {
  ScratchDir dir;
  const fs::path state = dir.path() / "state" / "deeper";
  { Spool(state.string(), kRoomy).add("t#0", "{}", kT0); }
  EXPECT_EQ(fs::status(state).permissions(), fs::perms::owner_all);
  const auto file = fs::status(state / Spool::kFileName).permissions();
  EXPECT_EQ(file & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST(Spool, IgnoresATornLastRecordAndWritesOnAfterIt) {
  ScratchDir dir;
  {
    Spool spool(dir.str(), kRoomy);
    spool.add("t#0", "one", kT0);
    spool.add("t#0", "two", kT0);
  }
  const fs::path file = dir.path() / Spool::kFileName;
  std::ofstream(file, std::ios::app | std::ios::binary) << R"({"op":"add","id":3,"target":"t#0","bo)";
  {
    LogCapture log;
    Spool spool(dir.str(), kRoomy);
    EXPECT_NE(log.text().find("incomplete last record"), std::string::npos) << log.text();
    EXPECT_EQ(spool.pending_count(), 2u);
    spool.add("t#0", "three", kT0);
  }
  Spool spool(dir.str(), kRoomy);
  EXPECT_EQ(drain(spool, "t#0"), (std::vector<std::string>{"one", "two", "three"}));
}

TEST(Spool, SkipsAnUnreadableRecordInTheMiddle) {
  ScratchDir dir;
  { Spool(dir.str(), kRoomy).add("t#0", "one", kT0); }
  std::ofstream(dir.path() / Spool::kFileName, std::ios::app | std::ios::binary) << "garbage\n";
  { Spool(dir.str(), kRoomy).add("t#0", "two", kT0); }
  LogCapture log;
  Spool spool(dir.str(), kRoomy);
  EXPECT_NE(log.text().find("unreadable"), std::string::npos);
  EXPECT_EQ(drain(spool, "t#0"), (std::vector<std::string>{"one", "two"}));
}

TEST(Spool, IdsKeepIncreasingAcrossRestartsEvenWhenNothingIsLeft) {
  ScratchDir dir;
  std::uint64_t last = 0;
  {
    Spool spool(dir.str(), kRoomy);
    for (int i = 0; i < 3; ++i) last = spool.add("t#0", "x", kT0);
  }
  {
    Spool spool(dir.str(), kRoomy);
    const auto id = spool.add("t#0", "y", kT0);
    EXPECT_GT(id, last);
    last = id;
    drain(spool, "t#0");
  }
  {
    // Everything done, and enough garbage for a compaction that leaves no add record behind.
    Spool spool(dir.str(), kRoomy);
    for (int i = 0; i < 3; ++i) spool.add("t#0", "small", kT0);
    last = spool.add("t#0", std::string(70 * 1024, 'b'), kT0);
    drain(spool, "t#0");
    EXPECT_LT(spool.bytes(), 1024u) << "compacted";
  }
  Spool spool(dir.str(), kRoomy);
  EXPECT_EQ(spool.pending_count(), 0u);
  EXPECT_GT(spool.add("t#0", "z", kT0), last);
}

TEST(Spool, CompactionKeepsWhatIsPendingAndShrinksTheFile) {
  ScratchDir dir;
  const std::string body(1024, 'x');
  std::uint64_t largest = 0;
  {
    Spool spool(dir.str(), kRoomy);
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 100; ++i) ids.push_back(spool.add("t#0", body + std::to_string(i), kT0));
    EXPECT_GT(spool.bytes(), 100u * 1024);
    for (int i = 0; i < 95; ++i) spool.done(ids[static_cast<std::size_t>(i)]);
    largest = ids.back();
    EXPECT_EQ(spool.pending_count(), 5u);
    EXPECT_LT(spool.bytes(), 70u * 1024) << "rewritten once done records dominated";
    EXPECT_LE(spool.bytes(), fs::file_size(dir.path() / Spool::kFileName));
    EXPECT_EQ(spool.bytes(), fs::file_size(dir.path() / Spool::kFileName));
    EXPECT_FALSE(fs::exists(dir.path() / (std::string(Spool::kFileName) + ".tmp")));
  }
  Spool spool(dir.str(), kRoomy);
  std::vector<std::string> expected;
  for (int i = 95; i < 100; ++i) expected.push_back(body + std::to_string(i));
  EXPECT_GT(spool.add("t#0", "after", kT0), largest);
  expected.push_back("after");
  EXPECT_EQ(drain(spool, "t#0"), expected);
}

TEST(Spool, AFullSpoolDropsTheOldestAndCountsThem) {
  ScratchDir dir;
  LogCapture log;
  Spool spool(dir.str(), 4096);
  const std::string body(900, 'y');
  for (int i = 0; i < 4; ++i) spool.add(i % 2 == 0 ? "a#0" : "b#0", body + std::to_string(i), kT0);
  EXPECT_EQ(spool.dropped_total(), 0u);
  EXPECT_LE(spool.live_bytes(), 4096u);
  spool.add("a#0", body + "4", kT0);
  spool.add("a#0", body + "5", kT0);
  EXPECT_EQ(spool.dropped_total(), 2u);
  EXPECT_LE(spool.live_bytes(), 4096u);
  EXPECT_EQ(spool.dropped_by_target().at("a#0"), 1u);
  EXPECT_EQ(spool.dropped_by_target().at("b#0"), 1u);
  EXPECT_NE(log.text().find("warning alert spool is full"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("dropped the 1 oldest"), std::string::npos) << log.text();
  EXPECT_EQ(drain(spool, "a#0"), (std::vector<std::string>{body + "2", body + "4", body + "5"}));
  EXPECT_EQ(drain(spool, "b#0"), (std::vector<std::string>{body + "3"}));
}

TEST(Spool, ADeliveryBiggerThanTheBoundIsKeptAlone) {
  ScratchDir dir;
  Spool spool(dir.str(), 1024);
  spool.add("t#0", "small", kT0);
  spool.add("t#0", std::string(2000, 'z'), kT0);
  EXPECT_EQ(spool.pending_count(), 1u);
  EXPECT_EQ(spool.dropped_total(), 1u);
  EXPECT_EQ(spool.next("t#0")->body.size(), 2000u);
}

TEST(Spool, DroppedDeliveriesStayDroppedAfterARestart) {
  ScratchDir dir;
  {
    Spool spool(dir.str(), kRoomy);
    spool.add("gone#0", "a", kT0);
    spool.add("gone#0", "b", kT0);
    spool.add("kept#0", "c", kT0);
    EXPECT_EQ(spool.drop_target("gone#0"), 2u);
    EXPECT_EQ(spool.drop_target("gone#0"), 0u);
    EXPECT_EQ(spool.dropped_total(), 2u);
  }
  Spool spool(dir.str(), kRoomy);
  EXPECT_EQ(spool.pending_targets(), std::vector<std::string>{"kept#0"});
}

TEST(Spool, DoneIgnoresUnknownIds) {
  ScratchDir dir;
  Spool spool(dir.str(), kRoomy);
  const auto id = spool.add("t#0", "a", kT0);
  spool.done(id + 100);
  spool.done(id);
  spool.done(id);
  EXPECT_EQ(spool.pending_count(), 0u);
}

TEST(Spool, AStateDirThatCannotBeMadeKeepsTheQueueInMemory) {
  ScratchDir dir;
  const fs::path blocker = dir.path() / "a-file";
  std::ofstream(blocker) << "not a directory";
  LogCapture log;
  Spool spool((blocker / "state").string(), kRoomy);
  EXPECT_FALSE(spool.durable());
  EXPECT_NE(log.text().find("kept in memory only"), std::string::npos) << log.text();
  spool.add("t#0", "one", kT0);
  spool.add("t#0", "two", kT0);
  EXPECT_EQ(spool.pending_count(), 2u);
  EXPECT_EQ(spool.bytes(), 0u);
  EXPECT_EQ(drain(spool, "t#0"), (std::vector<std::string>{"one", "two"}));
}

TEST(Spool, AFileThatCannotBeOpenedKeepsTheQueueInMemoryAndSaysSoOnce) {
  ScratchDir dir;
  fs::create_directory(dir.path() / Spool::kFileName);  // a directory where the file should be
  LogCapture log;
  Spool spool(dir.str(), kRoomy);
  spool.add("t#0", "one", kT0);
  spool.add("t#0", "two", kT0);
  EXPECT_FALSE(spool.durable());
  const std::string text = log.text();
  const auto first = text.find("kept in memory only");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("kept in memory only", first + 1), std::string::npos) << "said once";
  EXPECT_EQ(drain(spool, "t#0"), (std::vector<std::string>{"one", "two"}));
}

TEST(Spool, AnEmptyStateDirMeansMemoryOnly) {
  Spool spool("", kRoomy);
  spool.add("t#0", "one", kT0);
  EXPECT_FALSE(spool.durable());
  EXPECT_EQ(spool.pending_count("t#0"), 1u);
}

}  // namespace
}  // namespace pgvigil::alerts
