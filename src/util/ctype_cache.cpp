#include "util/ctype_cache.h"

#include <climits>
#include <locale>

namespace pgvigil {

void fill_ctype_narrow_cache() {
  // Every std::locale shares the classic facet unless a program installs another; std::regex
  // takes the global one. '\0' is the default std::regex passes, so exactly its entries get filled.
  const auto& ctype = std::use_facet<std::ctype<char>>(std::locale());
  for (int c = CHAR_MIN; c <= CHAR_MAX; ++c) (void)ctype.narrow(static_cast<char>(c), '\0');
}

}  // namespace pgvigil
