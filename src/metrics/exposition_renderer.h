// Renders the part of a /metrics exposition that depends only on the health snapshot, from parts
// cached by the identity of what they were rendered from, so that a new daemon snapshot costs
// what changed in it rather than the whole fleet: each cluster's fragment is rendered once per
// ClusterSnapshot object (cluster_fragment.h); the families of the canceller's actions, of the
// alert engine and of pg_stat_statements once per view those publish; only the daemon's few own
// families are written afresh. The parts are then joined family by family (family_merge.h) into
// text byte for byte equal to what serializing every family of the snapshot at once gives.
//
// Not thread-safe: ExpositionCache calls it under its lock. What it returns is immutable.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "metrics/cluster_fragment.h"

namespace pgvigil::metrics {

// Immutable once built, so scrapes on any thread may read it at once.
struct SnapshotExposition {
  health::SnapshotPtr snapshot{};  // what `text` was rendered from; may be null
  std::string text{};              // every snapshot family, as prometheus::TextSerializer writes them
  std::size_t age_at = 0;          // where pgvigil_snapshot_age_seconds belongs in `text`
  // The parts `text` was joined from: a fragment per cluster in snapshot order, then the
  // daemon-wide families in full. Null before the first snapshot.
  std::vector<std::shared_ptr<const ClusterFragment>> clusters{};
  std::shared_ptr<const std::string> actions{};
  std::shared_ptr<const std::string> alerts{};
  std::shared_ptr<const std::string> statements{};

  std::string_view before_age() const { return std::string_view(text).substr(0, age_at); }
  std::string_view after_age() const { return std::string_view(text).substr(age_at); }
};

class ExpositionRenderer {
 public:
  // `snapshot` may be null (nothing published yet): the daemon's own families only.
  std::shared_ptr<const SnapshotExposition> render(health::SnapshotPtr snapshot);

 private:
  // Text rendered from one daemon-wide view, held with it so that its address stays its own.
  struct Block {
    std::shared_ptr<const void> input;
    std::shared_ptr<const std::string> text;
  };
  // The clusters and members, by name, that the statement families were written for: those
  // follow the snapshot's roster as well as the statements view (a member removed by a reload
  // loses its series at once).
  using Roster = std::vector<std::pair<std::string, std::vector<std::string>>>;

  void render_clusters(const health::Snapshot& snapshot, SnapshotExposition& exposition);
  void render_daemon_wide(const health::Snapshot& snapshot, SnapshotExposition& exposition);

  // The fragments of the last render, by the address of the ClusterSnapshot each holds; rebuilt
  // at every render, so that a cluster removed or replaced leaves nothing behind.
  std::unordered_map<const health::ClusterSnapshot*, std::shared_ptr<const ClusterFragment>> fragments_;
  Block actions_;
  Block alerts_;
  Block statements_;
  Roster statements_roster_;
  std::size_t last_bytes_ = 0;  // the last text's size, to reserve the next one's
};

// Every part rendered afresh, as a renderer that has never rendered before does.
std::shared_ptr<const SnapshotExposition> render_snapshot_exposition(health::SnapshotPtr snapshot);

}  // namespace pgvigil::metrics
