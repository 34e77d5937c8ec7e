// Who is the primary of a cluster, from what each member says of itself. Pure and table-tested.
//
// Rules:
// - The cluster's system identifier is the one it had before (remembered across cycles) or,
//   the first time, the most common among reachable members (a tie goes to a primary's).
//   A reachable member with another identifier is foreign and takes no part in the election.
// - One reachable primary: it is the primary.
// - Several (split brain): the one on the highest timeline is the primary, the others are
//   fenced; on a timeline tie nobody is the primary and all are fenced.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pgvigil::pool {

struct RoleReport {
  std::string member;
  bool reachable = false;
  bool in_recovery = false;
  std::int64_t timeline = 0;
  std::string system_identifier;
};

struct Topology {
  std::optional<std::string> primary;
  bool split_brain = false;
  std::vector<std::string> fenced;   // claim to be primary but are not taken as it
  std::vector<std::string> foreign;  // another cluster's server
  std::string system_identifier;
};

Topology resolve_topology(std::span<const RoleReport> reports, const std::string& known_system_identifier);

}  // namespace pgvigil::pool
