#include "migrate/commands.h"

#include <fmt/format.h>

#include <utility>

#include "config/duration.h"
#include "migrate/advisory_lock.h"
#include "migrate/exit_codes.h"
#include "migrate/history_table.h"
#include "migrate/plan.h"
#include "migrate/report.h"
#include "migrate/runner.h"

namespace pgvigil::migrate {
namespace {

int database_error(const CommandContext& context, std::string_view doing, const db::Error& error) {
  context.err << fmt::format("pgvigil migrate: {}: {}\n", doing, error.to_string());
  // The db layer's suggestions are written for the monitoring role; a migrating role lacking a
  // privilege needs another one.
  if (error.kind == db::ErrorKind::permission) {
    context.err << "  (the migrating role needs CREATE on the history table's schema, or rights on the table)\n";
  } else if (error.kind == db::ErrorKind::connection || error.kind == db::ErrorKind::timeout) {
    context.err << fmt::format("  ({})\n", error.suggestion);
  }
  return error.kind == db::ErrorKind::connection || error.kind == db::ErrorKind::authentication ? kExitUnavailable
                                                                                                 : kExitFailed;
}

int refused(const CommandContext& context, const Refusal& refusal) {
  context.err << fmt::format("pgvigil migrate: refused: {}\n", refusal.message);
  return kExitRefused;
}

std::expected<std::vector<StatusEntry>, int> read_status(const CommandContext& context) {
  auto history = HistoryTable(context.table).read(context.conn);
  if (!history) return std::unexpected(database_error(context, "reading the history table", history.error()));
  return compute_status(context.files, *history);
}

// Runs `work` under the table's advisory lock, with the history table created first. The lock
// is released at the end; if the session died it went with it.
template <class Work>
int under_lock(const CommandContext& context, Work&& work) {
  const std::int64_t key = advisory_lock_key(context.table.display());
  auto locked = acquire_advisory_lock(context.conn, key, context.options.lock_wait, [&](std::optional<int> holder) {
    context.err << fmt::format("waiting up to {} for another migrate run on {}{}\n",
                               config::format_duration(context.options.lock_wait), context.table.display(),
                               holder ? fmt::format(" (held by backend PID {})", *holder) : "");
  });
  if (!locked) return database_error(context, "taking the migration lock", locked.error());
  if (*locked == LockOutcome::timed_out) {
    context.err << fmt::format(
        "pgvigil migrate: another migrate run holds the lock on {} (waited {}); try again when it is done\n",
        context.table.display(), config::format_duration(context.options.lock_wait));
    return kExitLocked;
  }
  int code = kExitOk;
  if (auto created = HistoryTable(context.table).create_if_missing(context.conn); !created) {
    code = database_error(context, "creating the history table", created.error());
  } else {
    code = work();
  }
  if (context.conn.is_open()) (void)release_advisory_lock(context.conn, key);
  return code;
}

}  // namespace

int command_status(const CommandContext& context) {
  auto status = read_status(context);
  if (!status) return status.error();
  context.out << format_status(*status);
  return kExitOk;
}

int command_verify(const CommandContext& context) {
  auto status = read_status(context);
  if (!status) return status.error();
  context.out << format_verify(*status);
  return in_agreement(*status) ? kExitOk : kExitDisagreement;
}

int command_up(const CommandContext& context) {
  return under_lock(context, [&] {
    auto status = read_status(context);
    if (!status) return status.error();
    auto plan = plan_up(*status, context.options.to, context.options.force);
    if (!plan) return refused(context, plan.error());
    for (const auto& warning : plan->warnings) context.err << "warning: " << warning << '\n';
    if (plan->apply.empty()) {
      context.out << "nothing to apply: the database is up to date\n";
      return kExitOk;
    }
    const HistoryTable history(context.table);
    for (const MigrationFile* file : plan->apply) {
      const std::string file_name = file->up_path.filename().string();
      auto took = run_up(context.conn, history, *file);
      if (!took) {
        context.err << took.error().message << '\n';
        context.err << fmt::format("pgvigil migrate: {} failed; nothing after it was applied\n", file_name);
        return kExitFailed;
      }
      context.out << fmt::format("applied {} ({} ms)\n", file_name, *took);
    }
    return kExitOk;
  });
}

int command_down(const CommandContext& context) {
  return under_lock(context, [&] {
    auto status = read_status(context);
    if (!status) return status.error();
    auto plan = plan_down(*status, context.options.steps, context.options.force);
    if (!plan) return refused(context, plan.error());
    if (plan->empty()) {
      context.out << "nothing to undo: no migration is applied\n";
      return kExitOk;
    }
    if (std::cmp_less(plan->size(), context.options.steps)) {
      context.err << fmt::format("warning: only {} applied migration{} to undo\n", plan->size(),
                                 plan->size() == 1 ? "" : "s");
    }
    const HistoryTable history(context.table);
    for (const DownStep& step : *plan) {
      const std::string file_name = migration_file_name(step.version, step.name, Direction::down);
      auto took = run_down(context.conn, history, *step.file);
      if (!took) {
        context.err << took.error().message << '\n';
        context.err << fmt::format("pgvigil migrate: {} failed; version {} stays applied\n", file_name, step.version);
        return kExitFailed;
      }
      context.out << fmt::format("reverted {} ({} ms)\n", file_name, *took);
    }
    return kExitOk;
  });
}

}  // namespace pgvigil::migrate
