// What the heap really takes for an allocation, for byte budgets that have to track the daemon's
// resident memory rather than the sizes asked for. Models glibc's malloc on 64-bit Linux: a
// request gets an 8-byte header and is rounded up to a multiple of 16, and no block is smaller
// than 32 bytes. Other allocators differ by a few bytes a block, so figures built from these stay
// estimates. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pgvigil {

constexpr std::size_t heap_block_bytes(std::size_t requested) {
  if (requested == 0) return 0;
  constexpr std::size_t kHeader = sizeof(std::size_t);
  constexpr std::size_t kAlign = 16;
  constexpr std::size_t kSmallest = 32;
  const std::size_t block = (requested + kHeader + kAlign - 1) / kAlign * kAlign;
  return block < kSmallest ? kSmallest : block;
}

// The heap behind a string's characters: none while they fit in the string itself (libstdc++
// keeps up to 15 there), else its capacity and the terminating zero.
inline std::size_t heap_bytes(const std::string& text) {
  constexpr std::size_t kInPlace = 15;
  return text.capacity() <= kInPlace ? 0 : heap_block_bytes(text.capacity() + 1);
}

// The heap behind a vector's elements, counting its whole capacity; not what the elements own.
template <typename T>
std::size_t heap_bytes(const std::vector<T>& items) {
  return heap_block_bytes(items.capacity() * sizeof(T));
}

// A block from std::make_shared: the object and its reference counts, in one allocation.
template <typename T>
constexpr std::size_t make_shared_bytes() {
  constexpr std::size_t kCounts = 2 * sizeof(int) + sizeof(void*);  // use and weak counts, vtable
  return heap_block_bytes(kCounts + sizeof(T));
}

}  // namespace pgvigil
