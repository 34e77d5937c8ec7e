// What one health cycle read from one member, parsed into plain values. Every part is optional:
// a disabled check, a costly check not due this cycle, or a value the server does not have
// (a replica has no current WAL position) leaves its part empty. Plain value; one per cycle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "health/snapshot.h"

namespace pgvigil::health {

using Lsn = std::uint64_t;
std::optional<Lsn> parse_lsn(std::string_view text);  // "16/B374D848"

struct RoleObservation {
  bool in_recovery = false;
  std::int64_t timeline = 0;
  std::string system_identifier;
  bool has_monitor = true;  // pg_monitor (or superuser): without it most views read empty
  int server_version = 0;
  double uptime_seconds = 0;
  std::optional<Lsn> current_lsn;   // primary
  std::optional<Lsn> receive_lsn;   // replica
  std::optional<Lsn> replay_lsn;    // replica
  std::optional<double> replay_timestamp;  // epoch seconds of the last replayed transaction
  double server_now = 0;                   // epoch seconds, the server's clock
  std::string replay_pause_state;          // "not paused" | "pause requested" | "paused"
  std::string wal_receiver_status;         // "streaming", ... ; empty when no receiver
};

struct LongestSession {
  double seconds = 0;
  int pid = 0;
  std::string user;
  std::string application;
};

struct BlockingObservation {
  int waiting = 0;
  double longest_wait_seconds = 0;
  int longest_waiter_pid = 0;
  std::vector<int> blockers;  // of the longest waiter; 0 = a prepared transaction
};

struct WraparoundObservation {
  double xid_age = 0;
  double mxid_age = 0;
  std::string database;
  double freeze_max_age = 200'000'000;
};

struct SlotsObservation {
  double max_retained_bytes = 0;
  std::string worst_slot;
  int inactive = 0;
  std::vector<std::string> lost;  // wal_status = lost
};

struct ArchiverObservation {
  bool enabled = false;
  std::uint64_t failed_count = 0;
  std::optional<double> failing_seconds;  // since the last success, when the last attempt failed
};

struct WriteProbeObservation {
  bool ok = false;
  double seconds = 0;  // the upsert's round trip, commit included
  std::string error;   // redacted server message when it failed
  std::string sqlstate;
  bool timed_out = false;
  bool missing_table = false;
};

// What the session checks (connections, long_running, idle_in_transaction) read from
// pg_stat_activity at one moment, taken apart from a cycle: the activity poll reads them in its
// own scan (health/checks/check.h read_session_summary) and the member's cycle adopts them
// (adopt_sessions) instead of scanning again. The same fields as in Observations, read by the
// same parsers. Plain value.
struct SessionObservations {
  double server_now = 0;  // epoch seconds, the server's clock when they were read
  std::optional<ConnectionsView> connections;
  std::optional<LongestSession> longest_query;
  std::optional<LongestSession> longest_transaction;
  std::optional<LongestSession> longest_idle_in_transaction;
};

struct Observations {
  RoleObservation role;
  std::optional<ConnectionsView> connections;
  std::optional<LongestSession> longest_query;
  std::optional<LongestSession> longest_transaction;
  std::optional<LongestSession> longest_idle_in_transaction;
  std::optional<double> oldest_prepared_seconds;
  int prepared_count = 0;
  std::optional<std::pair<double, double>> cache_blocks;  // cumulative (hit, read)
  std::optional<double> cache_hit_ratio;                  // over the interval, from two samples
  std::optional<std::int64_t> database_size_bytes;
  std::optional<BlockingObservation> blocking;
  std::optional<WraparoundObservation> wraparound;
  std::optional<SlotsObservation> slots;
  std::optional<double> wal_dir_bytes;
  std::optional<ArchiverObservation> archiver;
  std::optional<WriteProbeObservation> write_probe;  // primary, when enabled
  std::optional<double> heartbeat_age_seconds;       // replica, when enabled and a heartbeat exists
  std::optional<Lsn> primary_lsn;  // for a replica: the primary's position, read just before
  std::optional<double> caught_up_at;  // for a replica: server_now of the last cycle that saw it caught up
  double latency_seconds = 0;      // the cycle's round trip
  std::map<std::string, double> check_seconds;
};

}  // namespace pgvigil::health
