// An interval's GET /queries JSON kept as its values only: the field names, punctuation and
// layout are interval_json's and live in the code that writes it out, so the history pays for
// none of them. Integers are varints, flags bits, the server times their clock counts; strings
// and fractional numbers are kept as the JSON they become (escaped literals, numbers as the JSON
// library writes them), so what is written out reads byte for byte as interval_json_text. Query
// texts are kept apart as literals shared with other intervals. Immutable once packed: any thread
// may write it out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "queries/interval_report.h"
#include "queries/query_text_table.h"

namespace pgvigil::queries {

struct PackedInterval {
  std::string values{};                // the encoded values, in interval_json's order
  std::vector<SharedLiteral> texts{};  // query texts as JSON literals, in the order written

  // Appends interval_json_text of the packed report to `out`.
  void append_json_to(std::string& out) const;
  std::string json() const;
  // What append_json_to writes, in bytes: known when packed, so a body is reserved in one go.
  std::size_t json_size() const;
};

// Buffers trimmed to their sizes: the history pays for no slack. Each query text is a literal of
// its own, not yet shared.
PackedInterval pack_interval(const IntervalReport& report);

}  // namespace pgvigil::queries
