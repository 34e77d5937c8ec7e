// The settings each health check has when the config says nothing about it, taken from the
// check table (check_table.h). The loader starts from these; code that builds a ClusterConfig by
// hand (tests, tools) can too. Pure; safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "config/check_table.h"
#include "config/config.h"

namespace pgvigil::config {

// The heartbeat table write_probe writes to unless `table` says otherwise.
inline constexpr std::string_view kDefaultHeartbeatTable = "pgvigil_heartbeat";

CheckConfig default_check_config(const CheckSpec& spec);

// One entry per row of the check table.
std::map<std::string, CheckConfig> default_check_configs();

}  // namespace pgvigil::config
