// Turns a member's config into what the db layer needs to connect. The password file is read on
// every call, so a rotated password takes effect for new connections without a restart.
#pragma once

#include <expected>
#include <string>

#include "config/config.h"
#include "db/connection.h"

namespace pgvigil::cluster {

std::expected<db::ConnectSpec, std::string> make_connect_spec(const config::MemberConfig& member,
                                                              const config::ClusterConfig& cluster);

}  // namespace pgvigil::cluster
