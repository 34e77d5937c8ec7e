// The board between a member's activity poll and its health cycle: a post stands for a scan of
// pg_stat_activity only while fresh (two activity intervals and a query timeout), only for the
// pool it was read through, and not once withdrawn.
#include "queries/session_board.h"

#include <gtest/gtest.h>

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;

// Only its address is used: a post names the pool it was read through.
const auto* const kPool = reinterpret_cast<const pool::ConnectionPool*>(0x1000);
const auto* const kOtherPool = reinterpret_cast<const pool::ConnectionPool*>(0x2000);

SessionPost post_sent_at(SteadyTime sent, int used) {
  SessionPost post;
  post.readings.server_now = 1'700'000'000;
  post.readings.connections = health::ConnectionsView{used, 100, 3, {{"active", used}}};
  post.sent = sent;
  return post;
}

TEST(SessionBoard, APostIsFreshForTwoActivityIntervalsAndAQueryTimeout) {
  EXPECT_EQ(session_post_limit(1s, 2s), 4s);
  EXPECT_EQ(session_post_limit(200ms, 500ms), 900ms);
  const SteadyTime sent = SteadyTime{} + 100s;
  const auto post = post_sent_at(sent, 5);
  EXPECT_TRUE(is_fresh(post, sent, 4s));
  EXPECT_TRUE(is_fresh(post, sent + 4s, 4s)) << "the limit itself is still fresh";
  EXPECT_FALSE(is_fresh(post, sent + 4s + 1ns, 4s));
}

TEST(SessionBoard, TheCycleGetsOnlyAFreshPostOfItsOwnMemberAndPool) {
  SessionBoard board;
  const SteadyTime sent = SteadyTime{} + 100s;
  EXPECT_FALSE(board.fresh("db1", kPool, sent, 4s)) << "nothing posted: the cycle scans for itself";
  board.post("db1", kPool, post_sent_at(sent, 5));

  const auto fresh = board.fresh("db1", kPool, sent + 1s, 4s);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->readings.connections->used, 5);
  EXPECT_EQ(fresh->readings.server_now, 1'700'000'000);
  EXPECT_FALSE(board.fresh("db1", kPool, sent + 5s, 4s)) << "a poll that stopped or fell behind says nothing";
  EXPECT_FALSE(board.fresh("db2", kPool, sent + 1s, 4s)) << "another member's";
  EXPECT_FALSE(board.fresh("db1", kOtherPool, sent + 1s, 4s))
      << "a member rebuilt with new connection settings reads through another pool, perhaps another server";
}

TEST(SessionBoard, ANewerPostReplacesTheLastAndAWithdrawnOneIsGone) {
  SessionBoard board;
  const SteadyTime sent = SteadyTime{} + 100s;
  board.post("db1", kPool, post_sent_at(sent, 5));
  board.post("db1", kOtherPool, post_sent_at(sent, 9));
  board.post("db1", kPool, post_sent_at(sent + 1s, 6));
  EXPECT_EQ(board.fresh("db1", kPool, sent + 1s, 4s)->readings.connections->used, 6);

  board.withdraw("db1", kPool);  // the poll failed, or stopped
  EXPECT_FALSE(board.fresh("db1", kPool, sent + 1s, 4s));
  EXPECT_EQ(board.fresh("db1", kOtherPool, sent + 1s, 4s)->readings.connections->used, 9)
      << "withdrawn for that pool only";
}

}  // namespace
}  // namespace pgvigil::queries
