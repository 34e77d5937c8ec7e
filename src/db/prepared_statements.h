// The statements one session has prepared, looked up by their SQL text, so that a given text
// always runs the statement prepared from it: a reload that changes the enabled checks changes
// the text, and so the statement, never running a stale one. Names are never reused within a
// session, so a statement prepared again after the server lost ours cannot clash with a survivor.
// Texts are remembered by a 64-bit digest and their length, not copied: the health cycle's
// statements run to several kilobytes, and a daemon holds a thousand sessions. With a handful of
// statements per session a collision is out of reach (about 1 in 10^18).
// Plain value owned by one Connection; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pgvigil::db {

class PreparedStatements {
 public:
  // The name of the statement prepared from `sql`, or nullopt when it is not prepared yet.
  std::optional<std::string> find(std::string_view sql) const;

  // A name no statement of this session had; remember() it once the server prepared it.
  std::string new_name();
  void remember(std::string_view sql, std::string name);

  // The server no longer has them (a new session, DISCARD ALL, DEALLOCATE).
  void forget_all() { by_sql_.clear(); }
  std::size_t size() const { return by_sql_.size(); }

 private:
  using Key = std::pair<std::uint64_t, std::size_t>;  // digest, length
  static Key key_of(std::string_view sql);

  std::map<Key, std::string> by_sql_;
  std::uint64_t names_given_ = 0;
};

}  // namespace pgvigil::db
