#include "util/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pgvigil {

void release_free_heap() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace pgvigil
