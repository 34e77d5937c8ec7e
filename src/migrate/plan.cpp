#include "migrate/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace pgvigil::migrate {
namespace {

bool recorded_as_applied(const StatusEntry& entry) {
  return entry.row && entry.row->status == HistoryStatus::applied;
}

}  // namespace

std::string_view to_string(MigrationState state) {
  switch (state) {
    case MigrationState::applied: return "applied";
    case MigrationState::pending: return "pending";
    case MigrationState::failed: return "failed";
    case MigrationState::checksum_mismatch: return "checksum mismatch";
    case MigrationState::file_missing: return "file missing";
  }
  return "pending";
}

std::string up_file_name(const StatusEntry& entry) {
  return migration_file_name(entry.version, entry.name, Direction::up);
}

std::vector<StatusEntry> compute_status(const std::vector<MigrationFile>& files, const std::vector<HistoryRow>& history) {
  std::map<std::int64_t, StatusEntry> entries;
  for (const auto& file : files) {
    entries[file.version] = StatusEntry{file.version, file.name, MigrationState::pending, &file, std::nullopt};
  }
  for (const auto& row : history) {
    StatusEntry& entry = entries[row.version];
    entry.version = row.version;
    if (!entry.file) entry.name = row.name;
    entry.row = row;
    if (row.status == HistoryStatus::failed) {
      entry.state = MigrationState::failed;
    } else if (!entry.file) {
      entry.state = MigrationState::file_missing;
    } else if (entry.file->checksum != row.checksum) {
      entry.state = MigrationState::checksum_mismatch;
    } else {
      entry.state = MigrationState::applied;
    }
  }
  std::vector<StatusEntry> out;
  out.reserve(entries.size());
  for (auto& [version, entry] : entries) out.push_back(std::move(entry));
  return out;
}

bool in_agreement(const std::vector<StatusEntry>& status) {
  return std::ranges::all_of(status, [](const StatusEntry& e) { return e.state == MigrationState::applied; });
}

std::string describe_mismatches(const std::vector<StatusEntry>& status) {
  std::string out;
  for (const auto& entry : status) {
    if (entry.state != MigrationState::checksum_mismatch) continue;
    if (!out.empty()) out += ", ";
    out += up_file_name(entry);
  }
  return out;
}

std::expected<UpPlan, Refusal> plan_up(const std::vector<StatusEntry>& status, std::optional<std::int64_t> to,
                                       bool force) {
  if (to && std::ranges::none_of(status, [&](const StatusEntry& e) { return e.version == *to; })) {
    return std::unexpected(Refusal{fmt::format("--to {}: no such version in the directory or the history", *to)});
  }
  UpPlan plan;
  const std::string mismatches = describe_mismatches(status);
  if (!mismatches.empty()) {
    if (!force) {
      return std::unexpected(Refusal{fmt::format(
          "applied migrations changed since they ran (checksum mismatch): {}; restore the files, or run with "
          "--force to apply pending migrations anyway",
          mismatches)});
    }
    plan.warnings.push_back(fmt::format("checksum mismatch ignored (--force): {}", mismatches));
  }
  std::int64_t latest_applied = -1;
  for (const auto& entry : status) {
    if (recorded_as_applied(entry)) latest_applied = std::max(latest_applied, entry.version);
    if (entry.state == MigrationState::file_missing) {
      plan.warnings.push_back(fmt::format("version {} ({}) is applied but its file is gone", entry.version,
                                          up_file_name(entry)));
    }
  }
  for (const auto& entry : status) {
    if (to && entry.version > *to) break;
    const bool runnable = entry.file != nullptr &&
                          (entry.state == MigrationState::pending || entry.state == MigrationState::failed);
    if (!runnable) continue;
    if (entry.version < latest_applied) {
      plan.warnings.push_back(fmt::format("{} is older than the latest applied version {}; applying it out of order",
                                          up_file_name(entry), latest_applied));
    }
    plan.apply.push_back(entry.file);
  }
  return plan;
}

std::expected<std::vector<DownStep>, Refusal> plan_down(const std::vector<StatusEntry>& status, int steps, bool force) {
  const std::string mismatches = describe_mismatches(status);
  if (!mismatches.empty() && !force) {
    return std::unexpected(Refusal{fmt::format(
        "applied migrations changed since they ran (checksum mismatch): {}; the down files may not undo what was "
        "applied. Restore the files, or run with --force",
        mismatches)});
  }
  std::vector<DownStep> plan;
  for (auto it = status.rbegin(); it != status.rend() && std::cmp_less(plan.size(), steps); ++it) {
    if (!recorded_as_applied(*it)) continue;
    const std::string down_name = migration_file_name(it->version, it->name, Direction::down);
    if (it->file == nullptr || !it->file->down_path) {
      return std::unexpected(Refusal{fmt::format("version {} cannot be undone: {} is missing", it->version, down_name)});
    }
    plan.push_back(DownStep{it->version, it->name, it->file});
  }
  return plan;
}

}  // namespace pgvigil::migrate
