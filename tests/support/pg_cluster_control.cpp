// PgCluster's operations on running members: failures a test inflicts and waits it relies on.
#include <stdexcept>

#include "pg_cluster.h"
#include "polling.h"

namespace pgvigil::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kQueryLimit(2000);

std::string first_cell(const Rows& rows) {
  return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string() : *rows[0][0];
}

}  // namespace

void PgCluster::stop(int member) { server(member).stop_fast(options_.timeout); }

void PgCluster::kill(int member) { server(member).kill_postmaster(milliseconds(10000)); }

void PgCluster::sigstop(int member) { server(member).freeze(); }

void PgCluster::sigcont(int member) { server(member).thaw(); }

void PgCluster::restart(int member) {
  auto& target = server(member);
  target.stop_fast(options_.timeout);
  target.start(options_.timeout, false, options_.stop_with_caller);
}

void PgCluster::promote(int member) {
  server(member).promote(options_.timeout);
  wait_ready(member, options_.timeout);
}

void PgCluster::wait_ready(int member, Duration limit) const { server(member).wait_ready(limit); }

void PgCluster::wait_replica_streaming(Duration limit) const {
  if (size() < 2) throw std::logic_error("wait_replica_streaming: this cluster has no replica");
  std::string last_seen = "nothing yet";
  const bool streaming = poll_until(
      [&] {
        try {
          const auto sender = first_cell(exec(kPrimary, "SELECT state FROM pg_stat_replication", "postgres", kQueryLimit));
          const auto receiver = first_cell(exec(kReplica, "SELECT status FROM pg_stat_wal_receiver", "postgres", kQueryLimit));
          last_seen = "primary walsender '" + sender + "', replica walreceiver '" + receiver + "'";
          return sender == "streaming" && receiver == "streaming";
        } catch (const std::exception& e) {
          last_seen = e.what();
          return false;
        }
      },
      limit);
  if (!streaming) {
    throw std::runtime_error("replica not streaming after " + std::to_string(limit.count()) + " ms: " + last_seen);
  }
}

void PgCluster::pause_replay() {
  exec(kReplica, "SELECT pg_wal_replay_pause()");
  const bool paused = poll_until(
      [&] { return first_cell(exec(kReplica, "SELECT pg_get_wal_replay_pause_state()")) == "paused"; },
      options_.timeout);
  if (!paused) throw std::runtime_error("replica replay did not pause");
}

void PgCluster::resume_replay() {
  exec(kReplica, "SELECT pg_wal_replay_resume()");
  const bool resumed = poll_until(
      [&] { return first_cell(exec(kReplica, "SELECT pg_get_wal_replay_pause_state()")) == "not paused"; },
      options_.timeout);
  if (!resumed) throw std::runtime_error("replica replay did not resume");
}

}  // namespace pgvigil::testing
