// Holds the latest Snapshot. publish() swaps in a new one atomically; current() returns the one
// in force, which stays valid for as long as the caller holds the pointer. Lock-free for readers.
#pragma once

#include <atomic>

#include "health/snapshot.h"

namespace pgvigil::health {

class SnapshotStore {
 public:
  SnapshotStore() : current_(std::make_shared<const Snapshot>()) {}
  void publish(SnapshotPtr next) { current_.store(std::move(next)); }
  SnapshotPtr current() const { return current_.load(); }

 private:
  std::atomic<SnapshotPtr> current_;
};

}  // namespace pgvigil::health
