// Families about the daemon as a whole: which build runs, and whether what it serves is current.
#include <algorithm>
#include <chrono>
#include <string>

#include "metrics/exposition_text.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

constexpr FamilySpec kBuildInfo{"pgvigil_build_info", "Always 1; the version label names the running build."};
constexpr FamilySpec kUp{"pgvigil_up", "Always 1: the daemon is running and answering scrapes."};
constexpr FamilySpec kReady{"pgvigil_ready",
                            "1 once the config is loaded and every member finished a first check cycle."};
constexpr FamilySpec kReloadOk{"pgvigil_config_last_reload_successful",
                               "0 when the last config reload failed and the previous config stays in use."};
constexpr FamilySpec kSnapshotAge{"pgvigil_snapshot_age_seconds",
                                  "Seconds since the health snapshot being served was taken."};

std::string build_version(const health::Snapshot* snapshot) {
  if (snapshot != nullptr && !snapshot->version.empty()) return snapshot->version;
  return PGVIGIL_VERSION;
}

// The store's placeholder before the first publish was never taken: it has no age, and no
// reload to report on either.
bool really_taken(const health::Snapshot* snapshot) {
  return snapshot != nullptr && snapshot->taken_at != WallTime{};
}

}  // namespace

void write_daemon_families(FamilyWriter& out, const health::Snapshot* snapshot) {
  out.add(kBuildInfo, {{"version", build_version(snapshot)}}, 1);
  out.add(kUp, {}, 1);
  out.add(kReady, {}, flag(snapshot != nullptr && snapshot->ready));
  if (!really_taken(snapshot)) return;
  out.add(kReloadOk, {}, flag(snapshot->config_reload_ok));
}

void append_snapshot_age(std::string& text, const health::Snapshot* snapshot, WallTime now) {
  if (!really_taken(snapshot)) return;
  // A wall clock stepped backwards would give a negative age; "just taken" is the honest reading.
  const double age = std::chrono::duration<double>(now - snapshot->taken_at).count();
  append_family(text, kSnapshotAge, std::max(age, 0.0));
}

}  // namespace pgvigil::metrics
