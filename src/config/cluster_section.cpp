// One entry of clusters: its name, members, pool and retry settings; health, queries and schema
// have their own files.
#include <map>

#include "config/check_defaults.h"
#include "config/sections.h"

namespace pgvigil::config {
namespace {

// Enough for any sane monitor; the point of the bound is to catch a stray digit.
constexpr int kMaxPoolSize = 100;

void load_pool(const Field& field, LoadContext& ctx, PoolConfig& out) {
  StrictMap map(field, ctx);
  const bool min_ok = map.read("min", out.min, 0, kMaxPoolSize);
  const bool max_ok = map.read("max", out.max, 1, kMaxPoolSize);
  map.read("acquire_timeout", out.acquire_timeout, kPositive);
  map.read("connect_timeout", out.connect_timeout, kPositive);
  map.read("idle_timeout", out.idle_timeout, kPositive);
  map.read("max_lifetime", out.max_lifetime, kPositive);
  map.read("validation_interval", out.validation_interval, kPositive);
  map.reject_unknown_keys();
  const bool min_valid = min_ok || !map.contains("min");
  const bool max_valid = max_ok || !map.contains("max");
  if (min_valid && max_valid && out.min > out.max) {
    const char* key = map.contains("min") ? "min" : "max";
    ctx.diag.error(map.line_of(key), map.path_of(key),
                   "pool.min (" + std::to_string(out.min) + ") is greater than pool.max (" + std::to_string(out.max) + ")");
  }
}

void load_retry(const Field& field, LoadContext& ctx, RetryConfig& out) {
  StrictMap map(field, ctx);
  read_backoff_bounds(map, "retry", out.base, out.max);
  map.read("multiplier", out.multiplier, 1.0, 100.0);
  map.read("circuit_after", out.circuit_after, 1, 1000);
  map.reject_unknown_keys();
}

void load_members(const Field& field, LoadContext& ctx, std::vector<MemberConfig>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  if (items->empty()) {
    ctx.diag.error(field.line, field.path, "a cluster needs at least one member");
    return;
  }
  std::map<std::string, int> first_line_of_name;
  for (const auto& item : *items) {
    MemberConfig member;
    member.line = item.line;
    load_member(item, ctx, member);
    if (member.name.empty()) continue;  // missing or invalid name, already reported
    auto [first, inserted] = first_line_of_name.emplace(member.name, member.line);
    if (!inserted) {
      ctx.diag.error(line_of(item.node["name"], member.line), item.path + ".name",
                     "duplicate member name '" + member.name + "' (first defined at line " +
                         std::to_string(first->second) + ")");
      continue;
    }
    out.push_back(std::move(member));
  }
}

}  // namespace

void load_cluster(const Field& field, LoadContext& ctx, ClusterConfig& out) {
  out.line = field.line;
  out.health.checks = default_check_configs();
  StrictMap map(field, ctx);
  read_name(map, out.name);
  if (auto members = map.take("members")) {
    load_members(*members, ctx, out.members);
  } else if (map.is_map()) {
    ctx.diag.error(map.self().line, map.path_of("members"), "required key 'members' is missing");
  }
  if (auto pool = map.take("pool")) load_pool(*pool, ctx, out.pool);
  if (auto retry = map.take("retry")) load_retry(*retry, ctx, out.retry);
  if (auto health = map.take("health")) load_health(*health, ctx, out.health);
  if (auto queries = map.take("queries")) load_queries(*queries, ctx, out.queries);
  if (auto schema = map.take("schema")) load_schema(*schema, ctx, out.schema.emplace());
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
