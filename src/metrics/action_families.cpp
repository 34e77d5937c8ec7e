// The canceller's counters: every audit record, by cluster, action, mode and reason. They come
// from the daemon-wide ActionJournal, so they keep counting across reloads and stay for a cluster
// removed by one (a counter that vanished and came back would read as a reset).
#include <string>

#include "queries/action_history.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

constexpr FamilySpec kSessionActions = counter(
    "pgvigil_session_actions_total",
    "Canceller decisions recorded: cancel and terminate attempts (dry_run included) and sessions left alone (skip).");

}  // namespace

void write_action_families(FamilyWriter& out, const health::Snapshot& snapshot) {
  if (!snapshot.actions) return;
  for (const auto& [key, count] : snapshot.actions->counts) {
    out.add(kSessionActions,
            {{"cluster", key.cluster},
             {"action", std::string(queries::to_string(key.action))},
             {"mode", std::string(queries::to_string(key.mode))},
             {"reason", std::string(queries::to_string(key.reason))}},
            static_cast<double>(count));
  }
}

}  // namespace pgvigil::metrics
