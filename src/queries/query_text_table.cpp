#include "queries/query_text_table.h"

#include <string>

#include "util/heap_bytes.h"

namespace pgvigil::queries {
std::size_t QueryTextTable::entry_bytes(const std::string& literal) {
  // A map node holds the key and entry, the link to the next node and the cached hash (libstdc++
  // caches it for string keys); the literal is a make_shared block and, past 15 bytes, its text.
  constexpr std::size_t kNode = heap_block_bytes(sizeof(Entries::value_type) + sizeof(void*) + sizeof(std::size_t));
  return kNode + make_shared_bytes<std::string>() + heap_bytes(literal);
}

SharedLiteral QueryTextTable::share(SharedLiteral literal) {
  if (const auto found = entries_.find(*literal); found != entries_.end()) {
    ++found->second.uses;
    return found->second.literal;
  }
  // A literal is built by appending: copy it when it has room to spare, so the table keeps no slack.
  if (literal->capacity() > literal->size()) literal = std::make_shared<const std::string>(*literal);
  const std::string_view key = *literal;
  entry_bytes_ += entry_bytes(*literal);
  entries_.emplace(key, Entry{literal, 1});
  return literal;
}

void QueryTextTable::release(const SharedLiteral& literal) {
  const auto found = entries_.find(*literal);
  if (found == entries_.end() || --found->second.uses > 0) return;
  entry_bytes_ -= entry_bytes(*found->second.literal);
  entries_.erase(found);
}

std::size_t QueryTextTable::bytes() const {
  return entry_bytes_ + heap_block_bytes(entries_.bucket_count() * sizeof(void*));
}

}  // namespace pgvigil::queries
