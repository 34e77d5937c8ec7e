// What the daemon last learned about one member: reachable or not, its role, and the error when
// it is down. A plain value, copied out of the monitor under its lock.
#pragma once

#include <optional>
#include <string>

#include "db/error.h"
#include "util/clock.h"

namespace pgvigil::cluster {

enum class Role { unknown, primary, replica };
std::string_view to_string(Role role);

struct MemberState {
  std::string cluster;
  std::string member;
  bool checked = false;  // at least one attempt finished
  bool up = false;
  Role role = Role::unknown;
  int server_version = 0;
  double latency_ms = 0;
  std::optional<db::Error> error;  // why it is down
  WallTime checked_at{};
};

}  // namespace pgvigil::cluster
