// pgvigil: a PostgreSQL health-monitor daemon. All logic lives in pgvigil_core.
#include <malloc.h>

#include <cstdlib>

#include "app/cli.h"

int main(int argc, char** argv) {
  // glibc gives each busy thread an arena of its own (up to 8 per core); with a score of HTTP and
  // worker threads that is megabytes of mostly empty heap for a daemon whose steady state is a few
  // hundred kilobytes. Two arenas keep contention low at this request rate. MALLOC_ARENA_MAX in
  // the environment, for anyone tuning it, is left to take effect.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  // libpq gives every session a 16 kB input and a 16 kB output buffer, of which a monitoring
  // session's small statements touch a page or two. Served by mmap, the pages never touched are
  // never resident: at 500 members that is about half of libpq's share of the heap. Blocks this
  // size or larger are otherwise rare here (a rendered /metrics, a statement sample).
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 16 * 1024);
  return pgvigil::app::run_cli(argc, argv);
}
