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
  return pgvigil::app::run_cli(argc, argv);
}
