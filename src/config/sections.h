// The readers of each part of the config file, called by the loader (loader.cpp). Each reads
// one YAML map strictly into a struct that already holds its defaults, and records every problem
// in the context instead of stopping at the first. Not thread-safe: one context per load.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/strict_map.h"

namespace pgvigil::config {

void load_daemon(const Field& field, LoadContext& ctx, DaemonConfig& out);
void load_http(const Field& field, LoadContext& ctx, HttpConfig& out);
void load_cluster(const Field& field, LoadContext& ctx, ClusterConfig& out);
void load_member(const Field& field, LoadContext& ctx, MemberConfig& out);
void load_health(const Field& field, LoadContext& ctx, HealthConfig& out);
void load_queries(const Field& field, LoadContext& ctx, QueriesConfig& out);
void load_schema(const Field& field, LoadContext& ctx, SchemaConfig& out);
void load_alerts(const Field& field, LoadContext& ctx, const std::vector<ClusterConfig>& clusters, AlertsConfig& out);

// Shared by the sections above.

// A cluster, member or sink name: required, and limited to what fits in URLs and labels.
void read_name(StrictMap& map, std::string& out);

// A path to a file the daemon will read later (password, token, certificate): when set, it must
// be readable now, so that a typo fails at load time and not at 3 a.m. Returns whether the key
// is set to something other than "", valid or not.
bool read_readable_path(StrictMap& map, std::string_view key, std::string& out);

// The `base` and `max` of a backoff (positive durations); max below base is an error naming
// `what` ("retry", "alerts.retry") and the key that was set.
void read_backoff_bounds(StrictMap& map, std::string_view what, Duration& base, Duration& max);

}  // namespace pgvigil::config
