#include "queries/statements_availability.h"

#include <fmt/format.h>

#include "db/sql_quote.h"

namespace pgvigil::queries {
namespace {

constexpr std::string_view kCheck = "pg_stat_statements";
constexpr std::string_view kPreload =
    "add pg_stat_statements to shared_preload_libraries (shared_preload_libraries = 'pg_stat_statements' in "
    "postgresql.conf) and restart PostgreSQL";

health::Reason reason(std::string value, std::string message, double number = 1) {
  health::Reason r;
  r.check = std::string(kCheck);
  r.severity = health::Severity::warning;
  r.value = std::move(value);
  r.threshold = "available";
  r.message = std::move(message);
  r.number = number;
  return r;
}

}  // namespace

health::Reason statements_reason(const StatementsProblem& p) {
  switch (p.kind) {
    case StatementsProblemKind::not_installed:
      return reason("not installed",
                    fmt::format("pg_stat_statements is not installed in database \"{}\"{}: no statement statistics "
                                "or slow-query log for this member",
                                p.database, p.preloaded ? "" : " nor preloaded"));
    case StatementsProblemKind::not_preloaded:
      return reason("not preloaded",
                    "pg_stat_statements is installed but not loaded via shared_preload_libraries: no statement "
                    "statistics or slow-query log for this member");
    case StatementsProblemKind::too_old:
      return reason("version " + p.version,
                    fmt::format("pg_stat_statements {} is too old to read (1.8, from PostgreSQL 13, is needed)",
                                p.version));
    case StatementsProblemKind::hidden_entries:
      return reason(fmt::format("{} hidden", p.hidden),
                    fmt::format("{} pg_stat_statements entries of other roles are hidden from role \"{}\": their "
                                "statements are not counted",
                                p.hidden, p.role),
                    static_cast<double>(p.hidden));
  }
  return reason("unavailable", "pg_stat_statements cannot be read");
}

std::string statements_fix(const StatementsProblem& p) {
  switch (p.kind) {
    case StatementsProblemKind::not_installed:
      if (!p.preloaded) {
        return fmt::format("{}, then run CREATE EXTENSION pg_stat_statements; in database \"{}\"", kPreload,
                           p.database);
      }
      return fmt::format("run CREATE EXTENSION pg_stat_statements; in database \"{}\" (as its owner or a superuser)",
                         p.database);
    case StatementsProblemKind::not_preloaded:
      return std::string(kPreload);
    case StatementsProblemKind::too_old:
      return fmt::format("run ALTER EXTENSION pg_stat_statements UPDATE; in database \"{}\" (PostgreSQL 13 or later)",
                         p.database);
    case StatementsProblemKind::hidden_entries:
      return fmt::format("GRANT pg_read_all_stats TO {};", db::quote_identifier_if_needed(p.role));
  }
  return {};
}

void StatementsAvailability::set(const std::string& member, std::optional<StatementsProblem> problem) {
  std::lock_guard lock(mutex_);
  if (problem) {
    problems_.insert_or_assign(member, std::move(*problem));
  } else {
    problems_.erase(member);
  }
}

std::optional<StatementsProblem> StatementsAvailability::problem(const std::string& member) const {
  std::lock_guard lock(mutex_);
  const auto found = problems_.find(member);
  if (found == problems_.end()) return std::nullopt;
  return found->second;
}

}  // namespace pgvigil::queries
