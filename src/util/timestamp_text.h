// Timestamps as people and log shippers read them. Pure.
#pragma once

#include <string>

#include "util/clock.h"

namespace pgvigil {

// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string format_rfc3339_millis(WallTime time);

}  // namespace pgvigil
