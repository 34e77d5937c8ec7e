// One copy of each distinct text the whole process holds on to, however many places keep it:
// every member of a fleet sees pgvigil's own statements (kilobytes each) among its busiest in
// pg_stat_statements, and every cluster with the same health settings runs the same cycle
// statement. A text lives as long as someone holds it; the table forgets it with the last holder.
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace pgvigil {

using SharedText = std::shared_ptr<const std::string>;

// The process's copy of `text`, made now if nobody holds one.
SharedText share_text(std::string_view text);

// How many distinct texts are held (for tests).
std::size_t shared_text_count();

}  // namespace pgvigil
