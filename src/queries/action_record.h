// One audit record of the canceller: a decision about one session of one member (an attempt, in
// enforce or dry_run, or a protected session left alone), what came of the signal and the
// lock-wait tree around the session. Plain values; built by the activity monitor, numbered and
// dated by the ActionJournal, never changed after.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "queries/blocking_tree.h"
#include "queries/cancel_policy.h"
#include "util/clock.h"

namespace pgvigil::queries {

struct SignalOutcome {
  bool executed = false;       // pg_cancel_backend / pg_terminate_backend was called (enforce only)
  std::optional<bool> result{};  // what it returned; false: no such backend any more, or not signalled
  std::string error{};         // why the call failed (a permission error, a timeout); the daemon goes on
};

struct ActionRecord {
  std::uint64_t id = 0;  // set by the journal: 1, 2, ... in recording order
  WallTime at{};         // set by the journal
  std::string cluster{};
  std::string member{};
  CancelDecision decision{};
  SignalOutcome signal{};
  // Attempts only (dry_run included): captured before the signal.
  std::optional<BlockingTree> blocking_tree{};
  std::string blocking_tree_error{};  // when the capture failed; the action goes ahead regardless
};

// The call was made and the server said the signal was sent.
inline bool signal_succeeded(const ActionRecord& record) {
  return record.signal.executed && record.signal.result.value_or(false);
}

}  // namespace pgvigil::queries
