#include "alerts/hmac_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "util/secret_file.h"
#include "util/sha256.h"

namespace pgvigil::alerts {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // HMAC() wants a non-null key pointer even for an empty key.
  static const unsigned char kNoKey = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&kNoKey) : static_cast<const void*>(key.data());
  const unsigned char* result =
      HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), digest.data(), &length);
  // Only an allocation failure inside OpenSSL gets here; an unsigned notification would be
  // rejected by the receiver anyway, so do not pretend.
  if (result == nullptr) throw std::runtime_error("HMAC-SHA256 failed");
  return to_hex(digest.data(), length);
}

SignatureHeaders sign(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  SignatureHeaders headers;
  headers.timestamp = std::to_string(unix_seconds);
  std::string signed_text;
  signed_text.reserve(headers.timestamp.size() + 1 + body.size());
  signed_text.append(headers.timestamp).append(".").append(body);
  headers.signature = "sha256=" + hmac_sha256_hex(secret, signed_text);
  return headers;
}

std::expected<std::string, std::string> read_secret_file(const std::string& path) {
  return pgvigil::read_secret_file(path, "secret_file");
}

}  // namespace pgvigil::alerts
