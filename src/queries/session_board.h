// The latest session readings of each member's activity poll, for that member's health cycle: the
// poll posts what its one scan of pg_stat_activity saw (the session checks' readings, summarised
// by the same statement), and the cycle adopts a fresh post instead of scanning pg_stat_activity
// again, so a member's sessions are read once per activity interval, not twice. Neither monitor
// knows the other: this board is all they share. With the canceller off there is no poll and no
// post, and the cycle scans for itself, as it does when the poll fails or falls behind.
//
// A post is keyed by member and by the pool it was read through: a member rebuilt beside the one
// in service (new connection settings, perhaps another server) has a pool of its own and never
// adopts what the old one read. The ClusterRuntime owns the board; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "health/observations.h"
#include "util/clock.h"

namespace pgvigil::pool {
class ConnectionPool;
}

namespace pgvigil::queries {

struct SessionPost {
  health::SessionObservations readings;  // with the server's clock when they were read
  SteadyTime sent{};  // the local steady clock when the poll's statement was sent: they are no older
};

// How old a post may be and still stand for a scan: the poll may be late by one interval or have
// missed one, and its statement may take up to query_timeout. Older, it says nothing.
std::chrono::nanoseconds session_post_limit(std::chrono::nanoseconds activity_interval,
                                            std::chrono::nanoseconds query_timeout);
bool is_fresh(const SessionPost& post, SteadyTime now, std::chrono::nanoseconds limit);

class SessionBoard {
 public:
  // After each poll that read the summary row.
  void post(const std::string& member, const pool::ConnectionPool* source, SessionPost post);
  // When a poll fails, and when the poll stops: its last reading no longer stands for a scan.
  void withdraw(const std::string& member, const pool::ConnectionPool* source);
  // The post for `member` read through `source`, when there is one and it is fresh at `now`.
  std::optional<SessionPost> fresh(const std::string& member, const pool::ConnectionPool* source, SteadyTime now,
                                   std::chrono::nanoseconds limit) const;

 private:
  using Key = std::pair<std::string, const pool::ConnectionPool*>;
  mutable std::mutex mutex_;
  std::map<Key, SessionPost> posts_;
};

}  // namespace pgvigil::queries
