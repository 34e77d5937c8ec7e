// Holds the latest Snapshot. publish() swaps in a new one; current() returns the one in force,
// which stays valid for as long as the caller holds the pointer. The mutex guards only a
// pointer copy, never I/O. (libstdc++ 12's std::atomic<shared_ptr> hides its lock from
// ThreadSanitizer, which then reports every reader as a race; a plain mutex is as fast here.)
#pragma once

#include <mutex>

#include "health/snapshot.h"

namespace pgvigil::health {

class SnapshotStore {
 public:
  SnapshotStore() : current_(std::make_shared<const Snapshot>()) {}

  void publish(SnapshotPtr next) {
    std::lock_guard lock(mutex_);
    current_.swap(next);
    // `next` now holds the old snapshot, released outside the lock.
  }
  SnapshotPtr current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

 private:
  mutable std::mutex mutex_;
  SnapshotPtr current_;
};

}  // namespace pgvigil::health
