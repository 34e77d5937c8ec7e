// Gives the heap's free pages back to the kernel. glibc returns only the top of each arena on its
// own; the free pages between live blocks (left by a statement sample, a rendered /metrics, a
// burst of requests) stay resident until trimmed, and a long-running daemon's RSS creeps up to
// its busiest moment. Cheap enough (a walk of the free lists) to run every few seconds.
#pragma once

namespace pgvigil {

void release_free_heap();

}  // namespace pgvigil
