// A replica's lag in seconds when the primary writes WAL that holds no commit (standby snapshots,
// checkpoints, page pruning on a quiet primary): the age of the last replayed commit then says
// nothing. Caught up (with the primary, or streaming with all it received replayed) is zero
// seconds whatever that age; behind, the lag is at most the time since the replica was last seen
// caught up. Bytes are unaffected.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "health/checks/replication_checks.h"

namespace pgvigil::health {
namespace {

constexpr double kNow = 1000;

struct Replica {
  std::string receiver = "streaming";
  Lsn primary = 0;
  Lsn received = 0;
  Lsn replayed = 0;
  std::optional<double> last_commit_age;   // none: no commit replayed since the replica started
  std::optional<double> caught_up_ago;     // none: never seen caught up
};

Observations observe(const Replica& r) {
  Observations o;
  o.role.in_recovery = true;
  o.role.wal_receiver_status = r.receiver;
  o.role.replay_pause_state = "not paused";
  o.role.server_now = kNow;
  o.primary_lsn = r.primary;
  o.role.receive_lsn = r.received;
  o.role.replay_lsn = r.replayed;
  if (r.last_commit_age) o.role.replay_timestamp = kNow - *r.last_commit_age;
  if (r.caught_up_ago) o.caught_up_at = kNow - *r.caught_up_ago;
  return o;
}

Replica replica(Lsn primary, Lsn received, Lsn replayed) {
  Replica r;
  r.primary = primary;
  r.received = received;
  r.replayed = replayed;
  return r;
}

TEST(ReplicationLagBounds, InTransitWalIsBytesNotSecondsHoweverOldTheLastCommit) {
  Replica r = replica(5056, 5000, 5000);  // a standby snapshot not received yet
  r.last_commit_age = 3600;
  const auto o = observe(r);
  EXPECT_TRUE(caught_up(o));
  const auto v = replication_view(o);
  EXPECT_EQ(v.lag_bytes, 56.0);
  EXPECT_EQ(v.lag_seconds, 0.0);
}

TEST(ReplicationLagBounds, AFreshReplicaWithNoCommitReplayedIsZeroWhileCaughtUp) {
  const auto v = replication_view(observe(replica(6088, 5000, 5000)));
  EXPECT_EQ(v.lag_bytes, 1088.0);
  EXPECT_EQ(v.lag_seconds, 0.0);
}

TEST(ReplicationLagBounds, BehindIsAtMostTheTimeSinceLastSeenCaughtUp) {
  Replica r = replica(6088, 6088, 5000);  // received, not replayed yet
  r.last_commit_age = 3600;
  r.caught_up_ago = 0.5;
  EXPECT_FALSE(caught_up(observe(r)));
  EXPECT_EQ(replication_view(observe(r)).lag_seconds, 0.5);

  r.last_commit_age = std::nullopt;  // and with no commit to date the bound still gives a number
  EXPECT_EQ(replication_view(observe(r)).lag_seconds, 0.5);
}

TEST(ReplicationLagBounds, BehindIsAtMostTheAgeOfTheLastReplayedCommit) {
  // Replay paused a while after it was last seen caught up: commits are piling up behind it.
  Replica r = replica(9000, 9000, 5000);
  r.last_commit_age = 15;
  r.caught_up_ago = 20;
  EXPECT_EQ(replication_view(observe(r)).lag_seconds, 15.0);
}

TEST(ReplicationLagBounds, NeverSeenCaughtUpAndNoCommitIsUnknown) {
  const auto v = replication_view(observe(replica(6088, 6088, 5000)));
  EXPECT_EQ(v.lag_bytes, 1088.0);
  EXPECT_FALSE(v.lag_seconds.has_value());
}

TEST(ReplicationLagBounds, NotStreamingWithAllReceivedReplayedIsStillBehind) {
  // A receiver that lost its primary stops receiving: it has replayed all it has, yet falls behind.
  Replica r = replica(9000, 5000, 5000);
  r.receiver = "waiting";
  r.last_commit_age = 120;
  r.caught_up_ago = 90;
  EXPECT_FALSE(caught_up(observe(r)));
  const auto v = replication_view(observe(r));
  EXPECT_EQ(v.lag_bytes, 4000.0);
  EXPECT_EQ(v.lag_seconds, 90.0);
}

}  // namespace
}  // namespace pgvigil::health
