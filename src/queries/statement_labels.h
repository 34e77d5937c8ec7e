// What turns a pg_stat_statements key into words: role and database names by oid, and the
// normalised text of each queryid, remembered between intervals so that texts are fetched only
// for queryids not seen before. One per member; used by one thread. The texts themselves are
// shared with every other member that has the same (util/shared_text.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/shared_text.h"

namespace pgvigil::queries {

class StatementLabels {
 public:
  // Texts are kept cut to `max_text_bytes` (UTF-8 safe). When `max_texts` are held, all are
  // dropped and fetched again as needed: simpler than LRU, and at the default 10,000 texts of
  // 2 kB a refill costs one statement every long while.
  StatementLabels(std::size_t max_text_bytes, std::size_t max_texts = 10000);

  using Names = std::unordered_map<std::uint32_t, std::string>;
  void set_users(Names names) { users_ = std::move(names); }
  void set_databases(Names names) { databases_ = std::move(names); }
  bool knows_user(std::uint32_t oid) const { return users_.contains(oid); }
  bool knows_database(std::uint32_t oid) const { return databases_.contains(oid); }
  // The name, or the oid in digits for one that is gone (a role dropped since).
  std::string user(std::uint32_t oid) const;
  std::string database(std::uint32_t oid) const;

  bool has_text(std::int64_t queryid) const { return texts_.contains(queryid); }
  // An empty text is remembered too: a text this role may not see is not asked for again.
  void add_text(std::int64_t queryid, std::string_view text);
  const std::string& text(std::int64_t queryid) const;  // "" when unknown
  std::size_t text_count() const { return texts_.size(); }

 private:
  std::size_t max_text_bytes_;
  std::size_t max_texts_;
  Names users_;
  Names databases_;
  std::unordered_map<std::int64_t, SharedText> texts_;
};

}  // namespace pgvigil::queries
