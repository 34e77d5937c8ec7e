// Webhook signing: a receiver that shares the sink's secret recomputes the HMAC over the
// timestamp and the body it received, and rejects a notification that was altered, or replayed
// long after its timestamp. Pure functions, safe from any thread (except read_secret_file, which
// reads a file and is safe from any thread too).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace pgvigil::alerts {

inline constexpr std::string_view kTimestampHeader = "X-Pgvigil-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Pgvigil-Signature";

// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The values of the two headers a signed webhook notification carries.
struct SignatureHeaders {
  std::string timestamp;  // X-Pgvigil-Timestamp: unix seconds, e.g. "1714564800"
  std::string signature;  // X-Pgvigil-Signature: "sha256=" + hex HMAC(secret, timestamp + "." + body)
};

// The timestamp is part of the signed text so that a captured notification cannot be replayed
// later with a fresh timestamp.
SignatureHeaders sign(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

// The signing secret in `path` with surrounding whitespace (a trailing newline, typically)
// removed. A file that cannot be read or holds only whitespace is an error naming the path; the
// error never contains the file's contents.
std::expected<std::string, std::string> read_secret_file(const std::string& path);

}  // namespace pgvigil::alerts
