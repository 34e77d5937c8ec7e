#include "queries/interval_store.h"

#include <algorithm>
#include <utility>

#include "queries/recorded_interval.h"

namespace pgvigil::queries {
namespace {

// Besides the interval itself, each kept interval costs a slot in its ring and one in the
// vector of every view built from the store (there is one current view; older ones live only
// while a request still reads them).
constexpr std::size_t kSlotBytes = sizeof(std::shared_ptr<const RecordedInterval>);

}  // namespace

void IntervalStore::add(std::string_view cluster, RecordedInterval interval) {
  share_texts(interval, texts_);
  auto shared = std::make_shared<const RecordedInterval>(std::move(interval));
  auto ring = rings_.find(cluster);
  if (ring == rings_.end()) ring = rings_.emplace(std::string(cluster), Ring{}).first;
  const std::uint64_t sequence = next_sequence_++;
  const std::size_t bytes = interval_bytes(*shared) + sizeof(Kept) + kSlotBytes;
  interval_bytes_ += bytes;
  auto newest = ring->second.newest.find(shared->member);
  if (newest == ring->second.newest.end()) {
    ring->second.newest.emplace(shared->member, sequence);
  } else {
    newest->second = sequence;
  }
  ring->second.kept.push_back({std::move(shared), sequence, bytes});
  ring->second.changed = true;
}

void IntervalStore::prune(std::string_view cluster, WallTime oldest_kept, std::size_t max_intervals) {
  const auto found = rings_.find(cluster);
  if (found == rings_.end()) return;
  Ring& ring = found->second;
  while (!ring.kept.empty() && ring.kept.front().interval->recorded_at < oldest_kept) drop(ring, ring.kept.begin());
  while (ring.kept.size() > max_intervals) drop(ring, ring.kept.begin());
}

void IntervalStore::enforce_budget() {
  while (bytes() > max_bytes_) {
    // Each ring is in the order recorded, so its oldest candidate is its first that is not a
    // member's newest; those pinned sit at the front, at most one per member.
    Ring* oldest_ring = nullptr;
    Position oldest;
    for (auto& [name, ring] : rings_) {
      const auto candidate = std::ranges::find_if(ring.kept, [&](const Kept& k) { return !is_newest(ring, k); });
      if (candidate == ring.kept.end()) continue;
      if (oldest_ring == nullptr || candidate->sequence < oldest->sequence) {
        oldest_ring = &ring;
        oldest = candidate;
      }
    }
    if (oldest_ring == nullptr) return;  // only members' newest intervals are left
    drop(*oldest_ring, oldest);
    ++evicted_;
  }
}

std::vector<std::shared_ptr<const RecordedInterval>> IntervalStore::newest_first(std::string_view cluster) const {
  std::vector<std::shared_ptr<const RecordedInterval>> out;
  const auto found = rings_.find(cluster);
  if (found == rings_.end()) return out;
  out.reserve(found->second.kept.size());
  for (auto k = found->second.kept.rbegin(); k != found->second.kept.rend(); ++k) out.push_back(k->interval);
  return out;
}

bool IntervalStore::is_newest(const Ring& ring, const Kept& kept) {
  const auto newest = ring.newest.find(kept.interval->member);
  return newest != ring.newest.end() && newest->second == kept.sequence;
}

void IntervalStore::drop(Ring& ring, Position at) {
  if (is_newest(ring, *at)) ring.newest.erase(ring.newest.find(at->interval->member));
  release_texts(*at->interval, texts_);
  interval_bytes_ -= at->bytes;
  ring.kept.erase(at);
  ring.changed = true;
}

std::vector<std::string> IntervalStore::take_changed() {
  std::vector<std::string> changed;
  for (auto& [name, ring] : rings_) {
    if (!ring.changed) continue;
    changed.push_back(name);
    ring.changed = false;
  }
  return changed;
}

}  // namespace pgvigil::queries
