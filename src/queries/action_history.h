// What the canceller has done, frozen for readers: the recent audit records (each with its JSON
// rendered once) and the counters behind pgvigil_session_actions_total. Published by the
// ActionJournal, attached to every health snapshot, read by GET /actions and the metrics; never
// changed after publication, so any thread may read it.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "queries/action_record.h"

namespace pgvigil::queries {

struct RecordedAction {
  ActionRecord record{};
  std::string json{};  // action_json(record): the audit line, served as is by GET /actions
};

// The labels of pgvigil_session_actions_total.
struct ActionCountKey {
  std::string cluster{};
  CancelAction action = CancelAction::skip;
  config::CancelMode mode = config::CancelMode::dry_run;
  CancelReason reason = CancelReason::max_query_duration;

  friend bool operator==(const ActionCountKey&, const ActionCountKey&) = default;
  friend auto operator<=>(const ActionCountKey&, const ActionCountKey&) = default;
};

struct ActionHistory {
  std::vector<std::shared_ptr<const RecordedAction>> recent{};  // newest first, at most `capacity`
  std::map<ActionCountKey, std::uint64_t> counts{};           // since the daemon started
  std::uint64_t recorded = 0;                                 // records since the daemon started
  std::size_t capacity = 0;                                   // how many records `recent` keeps
};

}  // namespace pgvigil::queries
