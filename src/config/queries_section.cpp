// clusters[].queries: statement statistics, the slow-query log and the cancel policy.
#include <array>
#include <regex>

#include "config/sections.h"

namespace pgvigil::config {
namespace {

constexpr std::array<std::pair<std::string_view, CancelMode>, 3> kCancelModes = {{
    {"off", CancelMode::off}, {"dry_run", CancelMode::dry_run}, {"enforce", CancelMode::enforce}}};

// Patterns are matched case-insensitively (see CancelExclude), so they are compiled that way here.
void read_patterns(const Field& field, LoadContext& ctx, std::vector<std::string>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  std::vector<std::string> patterns;
  bool ok = true;
  for (const auto& item : *items) {
    auto pattern = read_string(item, ctx);
    if (!pattern) {
      ok = false;
      continue;
    }
    try {
      const std::regex compiled(*pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      ctx.diag.error(item.line, item.path, "invalid regular expression: " + std::string(e.what()));
      ok = false;
      continue;
    }
    patterns.push_back(std::move(*pattern));
  }
  if (ok) out = std::move(patterns);
}

void load_exclude(const Field& field, LoadContext& ctx, CancelExclude& out) {
  StrictMap map(field, ctx);
  map.read("users", out.users);
  map.read("databases", out.databases);
  map.read("applications", out.applications);
  if (auto queries = map.take("queries")) read_patterns(*queries, ctx, out.queries);
  map.reject_unknown_keys();
}

void load_cancel(const Field& field, LoadContext& ctx, CancelConfig& out) {
  StrictMap map(field, ctx);
  map.read_choice<CancelMode>("mode", kCancelModes, out.mode);
  map.read("max_query_duration", out.max_query_duration, kPositive);
  map.read("terminate_after", out.terminate_after, kPositive);
  map.read("max_idle_in_transaction", out.max_idle_in_transaction, kPositive);
  map.read("allow_superuser", out.allow_superuser);
  map.read("only_if_blocking", out.only_if_blocking);
  map.read("max_actions_per_minute", out.max_actions_per_minute, 1, 10000);
  if (auto exclude = map.take("exclude")) load_exclude(*exclude, ctx, out.exclude);
  map.reject_unknown_keys();
}

}  // namespace

void load_queries(const Field& field, LoadContext& ctx, QueriesConfig& out) {
  StrictMap map(field, ctx);
  map.read("statements", out.statements);
  map.read("statements_interval", out.statements_interval, kPositive);
  // 0s logs every statement, which is a legitimate if noisy choice.
  map.read("slow_threshold", out.slow_threshold, Duration(0));
  map.read("top_n", out.top_n, 1, 10000);
  map.read("activity_interval", out.activity_interval, kPositive);
  map.read("max_query_length", out.max_query_length, 16, 1024 * 1024);
  map.read("history", out.history, kPositive);
  // Each series is one queryid: a hard cap keeps a misconfiguration from flooding Prometheus.
  map.read("metrics_top_n", out.metrics_top_n, 0, 20);
  if (auto cancel = map.take("cancel")) load_cancel(*cancel, ctx, out.cancel);
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
