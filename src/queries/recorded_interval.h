// Turns an interval report into what the statement history keeps (RecordedInterval), shares its
// query texts through the history's QueryTextTable, and says what it takes on the heap.
// compact_interval() is pure (any thread); the others change or read the table, which the
// IntervalStore calls them for under the IntervalJournal's mutex.
#pragma once

#include <cstddef>

#include "queries/interval_history.h"
#include "queries/interval_report.h"
#include "queries/query_text_table.h"

namespace pgvigil::queries {

// The report as the history keeps it: packed (packed_interval.h), each query text a literal of
// its own (not shared yet), and its first `top_kept` statements marked top.
RecordedInterval compact_interval(const IntervalReport& report, std::size_t top_kept);

// Replaces each of the interval's literals by the table's copy, counting it once more.
void share_texts(RecordedInterval& interval, QueryTextTable& texts);
// Gives the interval's texts back to the table when it leaves the history.
void release_texts(const RecordedInterval& interval, QueryTextTable& texts);

// The heap the interval takes apart from its texts (the table counts each of those once): its
// make_shared block, the member name, the packed values and its text slots, the top statements.
std::size_t interval_bytes(const RecordedInterval& interval);

}  // namespace pgvigil::queries
