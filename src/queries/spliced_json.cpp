#include "queries/spliced_json.h"

#include <string_view>

namespace pgvigil::queries {

void SplicedJson::splice(SharedLiteral literal) { splices.push_back({text.size(), std::move(literal)}); }

void SplicedJson::append_to(std::string& out) const {
  const std::string_view whole = text;
  std::size_t from = 0;
  for (const Splice& s : splices) {
    out.append(whole.substr(from, s.at - from));
    out.append(*s.literal);
    from = s.at;
  }
  out.append(whole.substr(from));
}

std::string SplicedJson::str() const {
  std::string out;
  out.reserve(size());
  append_to(out);
  return out;
}

std::size_t SplicedJson::size() const {
  std::size_t total = text.size();
  for (const Splice& s : splices) total += s.literal->size();
  return total;
}

}  // namespace pgvigil::queries
