// GET /queries: the statement intervals of the snapshot's IntervalHistory, newest first.
// Pure; any thread.
//
//   ?cluster=C   only that cluster (404 when it is not configured); default every cluster
//   ?member=M    only that member (needs cluster; 404 when the cluster has no such member)
//   ?limit=N     at most N intervals (a whole number from 1 up, else 400); default every interval
//                the history keeps (queries.history), and never more than kMaxQueriesLimit
//
// Body: {"cluster": C or null, "member": M or null, "count": intervals in this answer,
//        "intervals": [interval...]} with each interval as queries/report_json.h describes it.
// Before the first interval (the first sample only primes) the list is empty.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "health/snapshot.h"
#include "http/router.h"

namespace pgvigil::http {

inline constexpr std::size_t kMaxQueriesLimit = 1000;

Response queries_endpoint(const health::Snapshot& snapshot, const std::map<std::string, std::string>& query);

}  // namespace pgvigil::http
