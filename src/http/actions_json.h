// GET /actions: the canceller's most recent audit records, newest first, from the snapshot's
// ActionHistory. Pure; any thread.
//
//   ?limit=N   how many records (default 100); at most what the daemon keeps (1000), a larger
//              N is served as that. Anything but a whole number from 1 up is a 400.
//
// Body: {"recorded": records since the daemon started, "capacity": records kept,
//        "count": records in this answer, "actions": [record...]}
// Each record is the audit file's line (queries/action_json.h). Without a canceller (--once) the
// list is empty.
#pragma once

#include <cstddef>
#include <expected>
#include <map>
#include <string>

#include "health/snapshot.h"

namespace pgvigil::http {

inline constexpr std::size_t kDefaultActionsLimit = 100;

// The limit asked for, capped at what the snapshot's history keeps; an error message for a bad one.
std::expected<std::size_t, std::string> actions_limit(const std::map<std::string, std::string>& query,
                                                      const health::Snapshot& snapshot);

std::string actions_json(const health::Snapshot& snapshot, std::size_t limit);

}  // namespace pgvigil::http
