// The canceller's memory, one for the whole daemon (it outlives config reloads, so history and
// counters do too). Every member's activity monitor hands it each round's records; the journal
//  - drops skips marked `repeated`: a protected session is recorded once per reason, not once a poll;
//  - numbers and dates each record (ids increase in recording order);
//  - appends it as a JSON line to <state_dir>/actions.jsonl (see util/jsonl_file.h; 16 MiB a
//    file, 4 rotated files kept);
//  - keeps the last `capacity` records and counts every record by cluster, action, mode and reason;
//  - publishes an immutable ActionHistory (history()), then calls the listeners once per record
//    and on_change once per round.
// Listeners (the alert engine's hook) run on the recording monitor's thread, outside the journal's
// lock, and must be quick; records of two members recorded at the same moment may reach them out
// of id order. Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "queries/action_history.h"
#include "queries/action_record.h"
#include "util/clock.h"
#include "util/jsonl_file.h"

namespace pgvigil::queries {

class ActionJournal {
 public:
  using Listener = std::function<void(const ActionRecord&)>;

  static constexpr std::size_t kDefaultCapacity = 1000;
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
  static constexpr std::size_t kRotatedFiles = 4;
  static constexpr const char* kFileName = "actions.jsonl";

  // An empty state_dir keeps records in memory only. Otherwise the directory and the file are
  // created at once, so a state_dir that cannot be written is reported at start-up rather than at
  // the first action.
  ActionJournal(const std::string& state_dir, const Clock& clock, std::function<void()> on_change = {},
                std::size_t capacity = kDefaultCapacity);
  ActionJournal(const ActionJournal&) = delete;
  ActionJournal& operator=(const ActionJournal&) = delete;

  // Records one round of one member; returns how many records were kept (repeated skips are not).
  std::size_t record(std::vector<ActionRecord> records);

  void add_listener(Listener listener);

  std::shared_ptr<const ActionHistory> history() const;

  // Where the audit lines go; empty when kept in memory only.
  std::string file_path() const;

 private:
  std::shared_ptr<const ActionHistory> build_history() const;

  const Clock& clock_;
  const std::function<void()> on_change_;
  const std::size_t capacity_;

  mutable std::mutex mutex_;
  std::unique_ptr<JsonLinesFile> file_;  // null: memory only
  std::deque<std::shared_ptr<const RecordedAction>> recent_;  // oldest first
  std::map<ActionCountKey, std::uint64_t> counts_;
  std::uint64_t recorded_ = 0;
  std::vector<Listener> listeners_;
  std::shared_ptr<const ActionHistory> published_;
};

}  // namespace pgvigil::queries
