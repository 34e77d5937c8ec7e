// Families from pg_stat_statements intervals (the snapshot's IntervalHistory): counters summed
// from every interval's deltas per member, and, when queries.metrics_top_n is above 0, the
// heaviest statements of each member's last interval by queryid. Labels stay bounded: cluster
// and member, plus `kind` (hit, read) on blocks; only the opt-in top family carries queryid and
// rank, at most 20 series a member. Only members of the snapshot's clusters are written, so a
// member removed by a reload leaves no series. Daemon-wide, without labels: what the interval
// history takes against daemon.statement_history_max_bytes, and how many intervals that bound
// dropped. Pure; any thread.
#pragma once

#include "health/snapshot.h"
#include "metrics/metric_family_writer.h"

namespace pgvigil::metrics {

void write_statement_families(FamilyWriter& out, const health::Snapshot& snapshot);

}  // namespace pgvigil::metrics
