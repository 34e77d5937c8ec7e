// The intervals the statement history keeps, cluster by cluster, with what they take on the heap.
// Bounded three ways: by each cluster's queries.history (age) and kMaxIntervalsPerCluster, and by
// one daemon-wide byte budget (daemon.statement_history_max_bytes), kept by dropping the oldest
// intervals of any cluster first, but never a member's newest: /metrics reads that one, and
// GET /queries should show every member at least once. The bytes are accounted as the heap
// holds them (make_shared blocks, string and vector capacities, map nodes, each shared text
// once), so the figure tracks resident memory. Not thread-safe: the IntervalJournal calls it
// under its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "queries/interval_history.h"
#include "queries/query_text_table.h"
#include "util/clock.h"

namespace pgvigil::queries {

// Bounds a cluster's ring whatever its history: at a 1s interval, an hour of ten members would
// be 36,000 reports. GET /queries answers at most 1,000 at a time anyway.
inline constexpr std::size_t kMaxIntervalsPerCluster = 5000;

class IntervalStore {
 public:
  explicit IntervalStore(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Keeps `interval` (from compact_interval) as the newest of `cluster`, sharing its texts.
  void add(std::string_view cluster, RecordedInterval interval);
  // Drops from `cluster` what was recorded before `oldest_kept`, then its oldest intervals past
  // `max_intervals`; a member's newest goes too when it is that old.
  void prune(std::string_view cluster, WallTime oldest_kept, std::size_t max_intervals = kMaxIntervalsPerCluster);
  // Drops intervals, the oldest recorded first whatever their cluster, until the history fits in
  // max_bytes or only each member's newest is left.
  void enforce_budget();
  void set_max_bytes(std::size_t max_bytes) { max_bytes_ = max_bytes; }  // enforce_budget() applies it

  // The cluster's intervals, newest first; empty for a cluster never seen.
  std::vector<std::shared_ptr<const RecordedInterval>> newest_first(std::string_view cluster) const;
  // The clusters that gained or lost an interval since the last call.
  std::vector<std::string> take_changed();
  std::size_t bytes() const { return interval_bytes_ + texts_.bytes(); }
  HistoryUsage usage() const { return {.bytes = bytes(), .max_bytes = max_bytes_, .evicted = evicted_}; }
  const QueryTextTable& texts() const { return texts_; }

 private:
  struct Kept {
    std::shared_ptr<const RecordedInterval> interval;
    std::uint64_t sequence = 0;  // the order recorded, daemon-wide
    std::size_t bytes = 0;       // accounted when added
  };
  struct Ring {
    bool changed = true;    // since the last take_changed()
    std::deque<Kept> kept;  // oldest first
    std::map<std::string, std::uint64_t, std::less<>> newest;  // member → sequence of its newest kept
  };
  using Position = std::deque<Kept>::iterator;

  static bool is_newest(const Ring& ring, const Kept& kept);
  void drop(Ring& ring, Position at);

  std::map<std::string, Ring, std::less<>> rings_;  // by cluster
  QueryTextTable texts_;
  std::size_t interval_bytes_ = 0;  // of every kept interval, texts aside
  std::size_t max_bytes_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace pgvigil::queries
