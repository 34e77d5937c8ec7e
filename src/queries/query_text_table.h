// The query texts of the statement history, one copy each. Intervals that show the same text (a
// statement in every interval of its member, one queryid on a primary and its replicas) share
// the table's literal instead of holding their own. Each text is counted once per place an
// interval shows it, and leaves the table when its count falls to zero; a snapshot still reading
// an interval dropped meanwhile keeps the text alive through its shared pointer. Not
// thread-safe: the IntervalStore calls it under the IntervalJournal's mutex.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pgvigil::queries {

// A JSON string literal (quotes and escapes included), held by every interval that shows it.
using SharedLiteral = std::shared_ptr<const std::string>;

class QueryTextTable {
 public:
  // The table's literal equal to `literal`, counted once more. A text not seen before joins the
  // table as `literal` itself, trimmed to its size.
  SharedLiteral share(SharedLiteral literal);
  // One count less for a literal share() returned; the last one removes it.
  void release(const SharedLiteral& literal);

  std::size_t size() const { return entries_.size(); }
  // The heap the table takes: the texts, their map nodes and the map's buckets.
  std::size_t bytes() const;

 private:
  struct Entry {
    SharedLiteral literal;
    std::size_t uses = 0;
  };
  using Entries = std::unordered_map<std::string_view, Entry>;  // keys view the literals

  static std::size_t entry_bytes(const std::string& literal);

  Entries entries_;
  std::size_t entry_bytes_ = 0;  // of every entry, buckets aside
};

}  // namespace pgvigil::queries
