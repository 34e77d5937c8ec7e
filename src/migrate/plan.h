// What `pgvigil migrate` would do and what it reports, computed from the migrations directory
// and the history table's rows alone: no I/O, so every state and refusal is unit-tested.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration_files.h"

namespace pgvigil::migrate {

enum class HistoryStatus { applied, failed };

// One row of the history table (see history_table.h for the columns).
struct HistoryRow {
  std::int64_t version = 0;
  std::string name;
  std::string checksum;
  std::string applied_at;  // as the server prints timestamptz
  std::int64_t execution_ms = 0;
  HistoryStatus status = HistoryStatus::applied;
  std::string error;  // failed rows: the server's message

  bool operator==(const HistoryRow&) const = default;
};

enum class MigrationState { applied, pending, failed, checksum_mismatch, file_missing };

std::string_view to_string(MigrationState state);

// A version known from the directory, the history or both. `file` points into the vector of
// files given to compute_status and lives as long as it does.
struct StatusEntry {
  std::int64_t version = 0;
  std::string name;
  MigrationState state = MigrationState::pending;
  const MigrationFile* file = nullptr;
  std::optional<HistoryRow> row;
};

// "0003_add_orders.up.sql": the up file an entry stands for, whether or not it exists.
std::string up_file_name(const StatusEntry& entry);

// Every version, ascending. A failed row stays `failed` whether or not its file is still there.
std::vector<StatusEntry> compute_status(const std::vector<MigrationFile>& files, const std::vector<HistoryRow>& history);

// Whether the history's applied versions and the directory agree exactly: every entry applied.
bool in_agreement(const std::vector<StatusEntry>& status);

// Why up or down will not run; the command prints the message and exits with kExitRefused.
struct Refusal {
  std::string message;
};

struct UpPlan {
  std::vector<const MigrationFile*> apply;  // ascending; failed versions are retried
  std::vector<std::string> warnings;        // applied files gone, versions applied out of order
};

// Pending and failed versions up to `to`. Refuses, unless `force`, while an applied file's
// checksum differs from the one recorded: the directory no longer describes the database, and
// running on would build on a history nobody can reproduce. `to` must name a known version.
std::expected<UpPlan, Refusal> plan_up(const std::vector<StatusEntry>& status, std::optional<std::int64_t> to,
                                       bool force);

struct DownStep {
  std::int64_t version = 0;
  std::string name;
  const MigrationFile* file = nullptr;  // never null; has a down_path
};

// The latest `steps` applied versions, newest first (fewer if fewer are applied). Refuses when
// one of them has no down file, and, unless `force`, while any applied file's checksum differs.
std::expected<std::vector<DownStep>, Refusal> plan_down(const std::vector<StatusEntry>& status, int steps, bool force);

// "version 3 (0003_add_index.up.sql)" style names for messages.
std::string describe_mismatches(const std::vector<StatusEntry>& status);

}  // namespace pgvigil::migrate
