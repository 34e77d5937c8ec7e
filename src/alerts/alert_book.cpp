#include "alerts/alert_book.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace pgvigil::alerts {
namespace {

AlertSeverity severity_label(const Labels& labels) {
  auto it = labels.find("severity");
  if (it == labels.end()) return AlertSeverity::warning;
  return parse_severity(it->second).value_or(AlertSeverity::warning);
}

Notice notice_of(const AlertCondition& condition, std::string fingerprint, NoticeStatus status) {
  Notice out;
  out.labels = condition.labels;
  out.annotations = condition.annotations;
  out.fingerprint = std::move(fingerprint);
  out.status = status;
  out.generator_url = condition.generator_url;
  return out;
}

}  // namespace

std::string_view to_string(AlertState state) { return state == AlertState::firing ? "firing" : "pending"; }

AlertBook::AlertBook(Duration resend_interval) : resend_interval_(resend_interval) {}

bool AlertBook::due_to_fire(const Entry& entry, WallTime now) const {
  const int cycles = entry.condition.for_cycles;
  if (cycles <= 1) return true;
  const Duration cycle = entry.condition.cycle;
  const auto wait = (cycles - 1) * cycle - cycle / 10;
  return now - entry.since >= wait;
}

Notice AlertBook::firing_notice(const std::string& fingerprint, const Entry& entry, WallTime now) const {
  Notice out = notice_of(entry.condition, fingerprint, NoticeStatus::firing);
  out.starts_at = entry.firing_since.value_or(now);
  out.ends_at = now + 3 * resend_interval_;
  return out;
}

std::vector<Notice> AlertBook::evaluate(const std::vector<AlertCondition>& conditions, WallTime now) {
  std::vector<Notice> fired;
  std::vector<Notice> events;
  std::set<std::string, std::less<>> seen;
  for (const auto& condition : conditions) {
    std::string print = fingerprint(condition.labels);
    if (condition.kind == ConditionKind::event) {
      Notice event = notice_of(condition, std::move(print), NoticeStatus::firing);
      event.starts_at = condition.at.value_or(now);
      event.ends_at = event.starts_at + 3 * resend_interval_;
      events.push_back(std::move(event));
      continue;
    }
    if (!seen.insert(print).second) continue;  // the first of identical label sets wins
    auto [it, inserted] = entries_.try_emplace(print);
    Entry& entry = it->second;
    entry.condition = condition;
    entry.severity = severity_label(condition.labels);
    if (inserted) entry.since = now;
    if (!entry.firing_since && due_to_fire(entry, now)) {
      entry.firing_since = now;
      fired.push_back(firing_notice(print, entry, now));
    }
  }
  std::vector<Notice> resolved;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    if (it->second.firing_since) {
      Notice notice = notice_of(it->second.condition, it->first, NoticeStatus::resolved);
      notice.starts_at = *it->second.firing_since;
      notice.ends_at = now;
      resolved.push_back(std::move(notice));
    }
    it = entries_.erase(it);
  }
  std::ranges::move(events, std::back_inserter(fired));
  std::ranges::move(resolved, std::back_inserter(fired));
  return fired;
}

std::vector<Notice> AlertBook::due_resends(WallTime now, Duration resend_interval) {
  resend_interval_ = resend_interval;
  std::vector<Notice> out;
  for (const auto& [print, entry] : entries_) {
    if (!entry.firing_since) continue;
    if (entry.last_sent && now - *entry.last_sent < resend_interval) continue;
    out.push_back(firing_notice(print, entry, now));
  }
  return out;
}

void AlertBook::mark_sent(std::string_view fingerprint, WallTime now) {
  auto it = entries_.find(fingerprint);
  if (it != entries_.end() && it->second.firing_since) it->second.last_sent = now;
}

std::vector<ActiveAlert> AlertBook::active() const {
  std::vector<ActiveAlert> out;
  out.reserve(entries_.size());
  for (const auto& [print, entry] : entries_) {
    out.push_back(ActiveAlert{.fingerprint = print,
                              .labels = entry.condition.labels,
                              .annotations = entry.condition.annotations,
                              .generator_url = entry.condition.generator_url,
                              .state = entry.firing_since ? AlertState::firing : AlertState::pending,
                              .since = entry.since,
                              .firing_since = entry.firing_since,
                              .last_sent = entry.last_sent});
  }
  return out;
}

std::size_t AlertBook::firing_count(AlertSeverity severity) const {
  std::size_t count = 0;
  for (const auto& [print, entry] : entries_) {
    if (entry.firing_since && entry.severity == severity) ++count;
  }
  return count;
}

}  // namespace pgvigil::alerts
