#include "queries/action_journal.h"

#include <utility>

#include "queries/action_json.h"

namespace pgvigil::queries {

ActionJournal::ActionJournal(const std::string& state_dir, const Clock& clock, std::function<void()> on_change,
                             std::size_t capacity)
    : clock_(clock), on_change_(std::move(on_change)), capacity_(capacity) {
  if (!state_dir.empty()) {
    file_ = std::make_unique<JsonLinesFile>(JsonLinesFile::Options{
        .dir = state_dir,
        .file_name = kFileName,
        .max_file_bytes = kMaxFileBytes,
        .rotated_files = kRotatedFiles,
        .what = "the action audit",
        .fallback = "actions are kept in memory only (GET /actions, pgvigil_session_actions_total)"});
    file_->open();
  }
  published_ = build_history();
}

std::size_t ActionJournal::record(std::vector<ActionRecord> records) {
  std::vector<std::shared_ptr<const RecordedAction>> kept;
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    const WallTime now = clock_.wall_now();
    for (auto& record : records) {
      if (record.decision.repeated) continue;
      record.id = ++recorded_;
      record.at = now;
      const CancelDecision& d = record.decision;
      ++counts_[ActionCountKey{record.cluster, d.action, d.mode, d.reason}];
      auto entry = std::make_shared<RecordedAction>();
      entry->json = action_json(record);
      entry->record = std::move(record);
      if (file_) file_->write(entry->json);
      recent_.push_back(entry);
      if (recent_.size() > capacity_) recent_.pop_front();
      kept.push_back(std::move(entry));
    }
    if (kept.empty()) return 0;
    published_ = build_history();
    listeners = listeners_;
  }
  for (const auto& entry : kept) {
    for (const auto& listener : listeners) listener(entry->record);
  }
  if (on_change_) on_change_();
  return kept.size();
}

void ActionJournal::add_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::shared_ptr<const ActionHistory> ActionJournal::history() const {
  std::lock_guard lock(mutex_);
  return published_;
}

std::string ActionJournal::file_path() const {
  std::lock_guard lock(mutex_);
  return file_ && !file_->unavailable() ? file_->path() : std::string();
}

std::shared_ptr<const ActionHistory> ActionJournal::build_history() const {
  auto history = std::make_shared<ActionHistory>();
  history->recent.assign(recent_.rbegin(), recent_.rend());
  history->counts = counts_;
  history->recorded = recorded_;
  history->capacity = capacity_;
  return history;
}

}  // namespace pgvigil::queries
