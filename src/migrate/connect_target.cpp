#include "migrate/connect_target.h"

#include <fmt/format.h>

#include <algorithm>

#include "cluster/connect_spec.h"
#include "config/loader.h"
#include "db/conninfo.h"

namespace pgvigil::migrate {
namespace {

constexpr db::Millis kDsnConnectTimeout{10'000};
constexpr db::Millis kRecoveryQueryTimeout{10'000};

void prepare_for_migrations(db::ConnectSpec& spec, db::Millis lock_timeout) {
  spec.statement_timeout = db::Millis(0);  // a migration takes as long as it takes
  spec.lock_timeout = lock_timeout;
  spec.application_name = "pgvigil migrate";
}

std::expected<db::Connection, db::Error> open(const db::ConnectSpec& spec) {
  return db::Connection::open(spec, db::SteadyClock::now() + spec.connect_timeout);
}

std::expected<bool, db::Error> in_recovery(db::Connection& conn) {
  auto result = conn.query("SELECT pg_is_in_recovery() AS standby", kRecoveryQueryTimeout);
  if (!result) return std::unexpected(result.error());
  return result->get_bool(0, "standby").value_or(true);
}

std::expected<const config::ClusterConfig*, CommandError> find_cluster(const config::Config& config,
                                                                       const std::optional<std::string>& name) {
  std::string known;
  for (const auto& cluster : config.clusters) known += (known.empty() ? "" : ", ") + cluster.name;
  if (!name) {
    if (config.clusters.size() == 1) return &config.clusters.front();
    return std::unexpected(
        CommandError{kExitUsage, fmt::format("the config has several clusters; choose one with --cluster ({})", known)});
  }
  const auto found = std::ranges::find(config.clusters, *name, &config::ClusterConfig::name);
  if (found == config.clusters.end()) {
    return std::unexpected(CommandError{kExitConfig, fmt::format("no cluster '{}' in the config (clusters: {})",
                                                                 *name, known.empty() ? "none" : known)});
  }
  return &*found;
}

}  // namespace

std::expected<Target, CommandError> connect_dsn(const std::string& dsn, db::Millis lock_timeout) {
  auto params = db::parse_conninfo(dsn);
  if (!params) return std::unexpected(CommandError{kExitUsage, fmt::format("--dsn: {}", params.error())});
  db::ConnectSpec spec;
  // Kept apart so that nothing printable holds it; the db layer hands it to libpq alone.
  for (auto it = params->begin(); it != params->end();) {
    if (it->first == "password") {
      spec.password = it->second;
      it = params->erase(it);
    } else {
      ++it;
    }
  }
  spec.params = std::move(*params);
  spec.connect_timeout = kDsnConnectTimeout;
  prepare_for_migrations(spec, lock_timeout);
  auto conn = open(spec);
  if (!conn) {
    return std::unexpected(
        CommandError{kExitUnavailable, fmt::format("cannot connect ({}): {}", spec.describe(), conn.error().to_string())});
  }
  return Target{std::move(*conn)};
}

std::expected<Target, CommandError> connect_cluster_primary(const std::string& config_path,
                                                            const std::optional<std::string>& cluster_name,
                                                            db::Millis lock_timeout, const NoteSink& note) {
  auto loaded = config::load_config_file(config_path);
  if (!loaded) {
    std::string message;
    for (const auto& error : loaded.error()) message += (message.empty() ? "" : "\n") + error.to_string();
    return std::unexpected(CommandError{kExitConfig, message});
  }
  auto cluster = find_cluster(loaded->config, cluster_name);
  if (!cluster) return std::unexpected(cluster.error());

  for (const auto& member : (*cluster)->members) {
    auto spec = cluster::make_connect_spec(member, **cluster);
    if (!spec) {
      note(fmt::format("{}: {}", member.name, spec.error()));
      continue;
    }
    prepare_for_migrations(*spec, lock_timeout);
    auto conn = open(*spec);
    if (!conn) {
      note(fmt::format("{}: {}", member.name, conn.error().to_string()));
      continue;
    }
    const auto standby = in_recovery(*conn);
    if (!standby) {
      note(fmt::format("{}: {}", member.name, standby.error().to_string()));
      continue;
    }
    if (*standby) {
      note(fmt::format("{}: in recovery (a standby), not the primary", member.name));
      continue;
    }
    return Target{std::move(*conn)};
  }
  return std::unexpected(CommandError{
      kExitUnavailable, fmt::format("cluster {}: no reachable member is a primary", (*cluster)->name)});
}

}  // namespace pgvigil::migrate
