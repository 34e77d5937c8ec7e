// The durable queue of alert deliveries not yet accepted by their receiver, kept in
// <state_dir>/alert-spool.jsonl so that a restart or a long sink outage loses nothing.
//
// A delivery is one notification body bound for one target (one URL of one sink). The file is an
// append-only log of "add" and "done" records; opening it replays the log, so whatever was added
// and not done is pending again, oldest first, and ids keep increasing across restarts. Each
// record is on disk (fdatasync) before add() or done() returns. When done records dominate, the
// live records are rewritten to a fresh file that replaces the old one atomically.
//
// The live records are bounded by `max_bytes`: adding beyond it drops the oldest pending
// deliveries (counted, logged). With compaction, the file stays under about twice that plus
// 64 KiB. When the file cannot be written the queue carries on in memory:
// durability is lost, notifications are not. An empty state_dir keeps the queue in memory only.
//
// Thread-safe: every member may be called from any thread (one mutex; disk syncs happen under it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"

namespace pgvigil::alerts {

struct Delivery {
  std::uint64_t id = 0;
  std::string target;  // which receiver: see delivery_worker.h for how targets are named
  std::string body;    // the notification as sent, unsigned (signatures are made at send time)
  WallTime created_at{};
};

class Spool {
 public:
  static constexpr std::string_view kFileName = "alert-spool.jsonl";

  Spool(std::string state_dir, std::uint64_t max_bytes);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Queues a delivery and returns its id. A delivery bigger than max_bytes on its own is still
  // kept (alone): the bound exists to protect the disk, not to lose the newest notification.
  std::uint64_t add(std::string target, std::string body, WallTime created_at);
  // The delivery is finished (accepted or given up on). Unknown or already done ids are ignored.
  void done(std::uint64_t id);
  // Gives up on every pending delivery for `target` (counted as dropped); returns how many.
  std::size_t drop_target(std::string_view target);

  // The oldest pending delivery for `target`.
  std::optional<Delivery> next(std::string_view target) const;
  std::size_t pending_count() const;
  std::size_t pending_count(std::string_view target) const;
  // Targets that have pending deliveries, in name order.
  std::vector<std::string> pending_targets() const;

  // Deliveries given up on without being sent: pushed out by the bound or dropped by target.
  std::uint64_t dropped_total() const;
  std::map<std::string, std::uint64_t, std::less<>> dropped_by_target() const;

  std::uint64_t bytes() const;       // size of the file (0 when in memory only)
  std::uint64_t live_bytes() const;  // what the pending deliveries take in it
  bool durable() const;              // false once the file could not be written
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    Delivery delivery;
    std::string line;  // its "add" record, newline included, as written
  };

  void replay();
  void drop_locked(std::uint64_t id, std::string& records);
  void append_locked(const std::string& records);
  void maybe_compact_locked();
  bool compact_locked();
  void give_up_on_file_locked(const std::string& why);

  const std::string dir_;
  const std::string path_;
  const std::uint64_t max_bytes_;

  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> pending_;  // by id: oldest first
  std::map<std::string, std::set<std::uint64_t>, std::less<>> by_target_;
  std::map<std::string, std::uint64_t, std::less<>> dropped_by_target_;
  std::uint64_t next_id_ = 1;
  std::uint64_t dropped_total_ = 0;
  std::uint64_t file_bytes_ = 0;
  std::uint64_t live_bytes_ = 0;
  std::uint64_t no_compaction_below_ = 0;  // after a failed compaction, wait for more garbage
  int fd_ = -1;  // append-only; -1 when in memory only
  bool durable_ = true;
};

}  // namespace pgvigil::alerts
