#include "config/alert_names.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pgvigil::config {
namespace {

using enum AlertScope;

// Most names are CamelCase(check); a few say more than the check's name would on a pager.
// Every check of check_table.cpp has a member row (a unit test holds the table to that).
const std::array kAlertNames = {
    AlertNameSpec{"PgvigilMemberUnreachable", "unreachable", member},
    AlertNameSpec{"PgvigilMemberStale", "stale", member},
    AlertNameSpec{"PgvigilMemberFenced", "split_brain", member},
    AlertNameSpec{"PgvigilForeignMember", "foreign_member", member},
    AlertNameSpec{"PgvigilConnectLatency", "connectivity", member},
    AlertNameSpec{"PgvigilRole", "role", member},
    AlertNameSpec{"PgvigilReplicationLag", "replication_lag", member},
    AlertNameSpec{"PgvigilReplicationSlots", "replication_slots", member},
    AlertNameSpec{"PgvigilWal", "wal", member},
    AlertNameSpec{"PgvigilConnections", "connections", member},
    AlertNameSpec{"PgvigilLongRunning", "long_running", member},
    AlertNameSpec{"PgvigilIdleInTransaction", "idle_in_transaction", member},
    AlertNameSpec{"PgvigilBlocking", "blocking", member},
    AlertNameSpec{"PgvigilWraparound", "wraparound", member},
    AlertNameSpec{"PgvigilPreparedXacts", "prepared_xacts", member},
    AlertNameSpec{"PgvigilArchiver", "archiver", member},
    AlertNameSpec{"PgvigilCacheHit", "cache_hit", member},
    AlertNameSpec{"PgvigilWriteProbe", "write_probe", member},
    AlertNameSpec{"PgvigilPrivileges", "privileges", member},
    AlertNameSpec{"PgvigilSchema", "schema", member},
    AlertNameSpec{"PgvigilSaturated", "monitor", member},
    AlertNameSpec{"PgvigilNoPrimary", "no_primary", cluster},
    AlertNameSpec{"PgvigilSplitBrain", "split_brain", cluster},
    AlertNameSpec{"PgvigilPrimaryUnhealthy", "primary_unhealthy", cluster},
    AlertNameSpec{"PgvigilForeignMember", "foreign_member", cluster},
    AlertNameSpec{"PgvigilReloadFailed", "reload_failed", daemon},
    AlertNameSpec{"PgvigilCycleOverrun", "cycle_overrun", daemon},
    AlertNameSpec{"PgvigilSpoolPressure", "spool_pressure", daemon},
    AlertNameSpec{"PgvigilSessionCancelled", "cancel", event},
    AlertNameSpec{"PgvigilSessionTerminated", "terminate", event},
};

}  // namespace

std::span<const AlertNameSpec> alert_name_specs() { return kAlertNames; }

const AlertNameSpec* find_alert_name(AlertScope scope, std::string_view check) {
  auto it = std::ranges::find_if(kAlertNames,
                                 [&](const auto& spec) { return spec.scope == scope && spec.check == check; });
  return it == kAlertNames.end() ? nullptr : &*it;
}

std::string default_alert_name(std::string_view check) {
  std::string name = "Pgvigil";
  bool word_start = true;
  for (char c : check) {
    if (c == '_' || c == '-' || c == ' ') {
      word_start = true;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    name += static_cast<char>(word_start ? std::toupper(byte) : byte);
    word_start = false;
  }
  return name;
}

bool is_known_alert_name(std::string_view name) {
  return std::ranges::any_of(kAlertNames, [&](const auto& spec) { return spec.name == name; });
}

}  // namespace pgvigil::config
