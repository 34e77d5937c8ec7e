// SHA-256 of bytes, as 64 lowercase hex digits: the checksum that ties an applied migration to
// the file it came from. Safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace pgvigil {

std::string sha256_hex(std::string_view bytes);

// `size` bytes as lowercase hex, two digits per byte.
std::string to_hex(const unsigned char* bytes, std::size_t size);

}  // namespace pgvigil
