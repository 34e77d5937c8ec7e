// Whether pg_stat_statements can be read on each member, and if not, why and how to fix it.
// The statements monitor of a member writes it after each attempt; the member's health cycle
// reads it and turns a problem into a `pg_stat_statements` warning. Neither monitor knows the
// other: this board is all they share. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "health/status.h"

namespace pgvigil::queries {

enum class StatementsProblemKind {
  not_installed,   // CREATE EXTENSION was not run in the monitoring database
  not_preloaded,   // the library is not in shared_preload_libraries
  too_old,         // an extension version without the columns read (before 1.8, PostgreSQL 13)
  hidden_entries,  // other roles' entries show no queryid: no pg_read_all_stats
};

struct StatementsProblem {
  StatementsProblemKind kind = StatementsProblemKind::not_installed;
  std::string database{};   // the monitoring database
  std::string role{};       // the monitoring role
  std::string version{};    // too_old: the installed version
  bool preloaded = true;    // not_installed: false when the library is not preloaded either
  std::int64_t hidden = 0;  // hidden_entries: how many
};

// The warning a problem gives the member, and the exact fix.
health::Reason statements_reason(const StatementsProblem& problem);
std::string statements_fix(const StatementsProblem& problem);

class StatementsAvailability {
 public:
  void set(const std::string& member, std::optional<StatementsProblem> problem);
  std::optional<StatementsProblem> problem(const std::string& member) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, StatementsProblem> problems_;  // members without a problem are absent
};

}  // namespace pgvigil::queries
