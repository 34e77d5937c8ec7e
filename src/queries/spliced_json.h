// A JSON document kept with some of its string values apart: each is a JSON string literal
// (quotes and escapes included) held through a shared pointer and spliced back in at its byte
// offset when the document is written out. Many documents can then hold one copy of a long value,
// as the intervals of the statement history do with query texts. Immutable once built: any
// thread may read it; the literals are never modified, only shared.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace pgvigil::queries {

using SharedLiteral = std::shared_ptr<const std::string>;

struct Splice {
  std::size_t at = 0;  // byte offset in SplicedJson::text where the literal goes
  SharedLiteral literal{};
};

struct SplicedJson {
  std::string text{};            // the document without the spliced values
  std::vector<Splice> splices{};  // by offset, ascending

  // Puts `literal` at the end of `text` as it is now.
  void splice(SharedLiteral literal);
  // Appends the whole document to `out`.
  void append_to(std::string& out) const;
  std::string str() const;
  std::size_t size() const;  // of the whole document, in bytes
};

}  // namespace pgvigil::queries
