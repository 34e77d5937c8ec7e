// One audit record as JSON: the line of actions.jsonl and an element of GET /actions.
#include "queries/action_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "action_builders.h"

namespace pgvigil::queries {
namespace {

using nlohmann::json;

json parsed(const ActionRecord& record) {
  const std::string line = action_json(record);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "a JSON line must be one line";
  return json::parse(line);
}

TEST(ActionJson, AnExecutedCancelSaysWhoWhatWhyAndHowItWent) {
  ActionRecord r = record_for(4242);
  r.id = 7;
  r.at = WallTime{} + std::chrono::milliseconds(1714564800123);  // 2024-05-01T12:00:00.123Z
  r.decision.session.blocks = {51, 52};
  r.signal = SignalOutcome{.executed = true, .result = true, .error = {}};
  r.blocking_tree = BlockingTree{};
  const json j = parsed(r);

  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["time"], "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(j["cluster"], "main");
  EXPECT_EQ(j["member"], "db1");
  EXPECT_EQ(j["action"], "cancel");
  EXPECT_EQ(j["mode"], "enforce");
  EXPECT_EQ(j["reason"], "max_query_duration");
  EXPECT_EQ(j["intended"], "cancel");
  EXPECT_EQ(j["limit"], "max_query_duration");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["user"], "app");
  EXPECT_EQ(j["database"], "shop");
  EXPECT_EQ(j["application"], "web");
  EXPECT_EQ(j["client_addr"], "10.0.0.5");
  EXPECT_EQ(j["state"], "active");
  EXPECT_DOUBLE_EQ(j["duration_seconds"].get<double>(), 360.0);
  EXPECT_EQ(j["query"], "SELECT pg_sleep(600)");
  EXPECT_EQ(j["query_truncated"], false);
  EXPECT_EQ(j["blocks"], json::array({51, 52}));
  EXPECT_EQ(j["blocked_by"], json::array());
  EXPECT_EQ(j["signal"], json({{"executed", true}, {"result", true}}));
  EXPECT_EQ(j["blocking_tree"]["sessions"], json::array());
  EXPECT_FALSE(j.contains("blocking_tree_error"));
}

TEST(ActionJson, ADryRunAttemptWasNotExecuted) {
  ActionRecord r =
      record_for(4242, CancelAction::terminate, CancelReason::terminate_after, config::CancelMode::dry_run);
  const json j = parsed(r);
  EXPECT_EQ(j["action"], "terminate");
  EXPECT_EQ(j["mode"], "dry_run");
  EXPECT_EQ(j["signal"]["executed"], false);
  EXPECT_TRUE(j["signal"]["result"].is_null());
  EXPECT_FALSE(j["signal"].contains("error"));
}

TEST(ActionJson, AFailedSignalCarriesTheError) {
  ActionRecord r = record_for(4242);
  r.signal =
      SignalOutcome{.executed = true, .result = std::nullopt, .error = "permission: must be a superuser (42501)"};
  r.blocking_tree_error = "timeout: statement took too long";
  const json j = parsed(r);
  EXPECT_EQ(j["signal"]["executed"], true);
  EXPECT_TRUE(j["signal"]["result"].is_null());
  EXPECT_EQ(j["signal"]["error"], "permission: must be a superuser (42501)");
  EXPECT_TRUE(j["blocking_tree"].is_null());
  EXPECT_EQ(j["blocking_tree_error"], "timeout: statement took too long");
}

TEST(ActionJson, ASkipNamesItsProtectionAndWhatTheLimitCalledFor) {
  ActionRecord r = record_for(99, CancelAction::skip, CancelReason::superuser);
  const json j = parsed(r);
  EXPECT_EQ(j["action"], "skip");
  EXPECT_EQ(j["reason"], "superuser");
  EXPECT_EQ(j["intended"], "cancel");
  EXPECT_EQ(j["limit"], "max_query_duration");
  EXPECT_TRUE(j["blocking_tree"].is_null());
}

TEST(ActionJson, TheBlockingTreeListsEachSessionWithItsBlockers) {
  ActionRecord r = record_for(10);
  BlockingTree tree;
  tree.sessions.push_back(BlockingNode{.pid = 10, .depth = 0, .user = "app", .state = "idle in transaction"});
  tree.sessions.push_back(BlockingNode{.pid = 11,
                                       .depth = 1,
                                       .user = "web",
                                       .wait_event_type = "Lock",
                                       .wait_event = "transactionid",
                                       .query_seconds = 2.5,
                                       .query = "UPDATE t SET v = 1",
                                       .query_truncated = true,
                                       .blocked_by = {10, 12}});
  tree.truncated = true;
  r.blocking_tree = tree;
  const json j = parsed(r);
  const json& sessions = j["blocking_tree"]["sessions"];
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["pid"], 10);
  EXPECT_EQ(sessions[0]["depth"], 0);
  EXPECT_TRUE(sessions[0]["query_seconds"].is_null());
  EXPECT_EQ(sessions[1]["pid"], 11);
  EXPECT_EQ(sessions[1]["depth"], 1);
  EXPECT_EQ(sessions[1]["wait_event"], "transactionid");
  EXPECT_DOUBLE_EQ(sessions[1]["query_seconds"].get<double>(), 2.5);
  EXPECT_EQ(sessions[1]["query_truncated"], true);
  EXPECT_EQ(sessions[1]["blocked_by"], json::array({10, 12}));
  EXPECT_EQ(j["blocking_tree"]["truncated"], true);
}

TEST(ActionJson, AQueryThatIsNotUtf8StillGivesValidJson) {
  ActionRecord r = record_for(1);
  r.decision.session.query = "SELECT '\xe9t\xe9'";  // Latin-1
  r.decision.session.query_start.reset();
  const json j = parsed(r);
  EXPECT_TRUE(j["query"].is_string());
  EXPECT_TRUE(j["query_start"].is_null());
}

}  // namespace
}  // namespace pgvigil::queries
