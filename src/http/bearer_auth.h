// Decides whether a request may use the admin (POST) endpoints, from its Authorization header
// and the configured token. Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

namespace pgvigil::http {

enum class BearerCheck {
  allowed,   // "Bearer <token>" with the configured token
  disabled,  // no token is configured: the admin endpoints are off (403)
  missing,   // no Authorization header, or not a Bearer credential (401)
  wrong,     // a Bearer credential that is not the token (403)
};

// `authorization` is the header's value, if the request had one. The scheme is matched without
// regard to case (RFC 7235); the token must match exactly, byte for byte: whitespace around the
// token file's contents is trimmed when the file is read, not here.
BearerCheck check_bearer(std::optional<std::string_view> authorization, std::string_view admin_token);

// Equality whose running time depends only on the lengths, so that response timing does not
// reveal how much of a guessed token was right.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace pgvigil::http
