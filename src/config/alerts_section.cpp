// alerts: how long conditions must hold before they fire, how often firing alerts are re-sent,
// the on-disk spool and the sinks they go to.
#include <algorithm>
#include <array>
#include <map>

#include "config/alert_names.h"
#include "config/sections.h"
#include "config/value_rules.h"

namespace pgvigil::config {
namespace {

constexpr std::array<std::pair<std::string_view, SinkType>, 2> kSinkTypes = {{
    {"alertmanager", SinkType::alertmanager}, {"webhook", SinkType::webhook}}};
constexpr std::array<std::string_view, 3> kSeverities = {"info", "warning", "critical"};

// URLs are not echoed in messages: they may carry credentials.
void require_http_url(const Field& field, LoadContext& ctx, const std::string& url) {
  if (!is_http_url(url)) ctx.diag.error(field.line, field.path, "expected an http:// or https:// URL");
}

void read_urls(const Field& field, LoadContext& ctx, std::vector<std::string>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  if (items->empty()) ctx.diag.error(field.line, field.path, "an alertmanager sink needs at least one URL");
  for (const auto& item : *items) {
    if (auto url = read_string(item, ctx)) {
      require_http_url(item, ctx, *url);
      out.push_back(std::move(*url));
    }
  }
}

bool is_header_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A list whose every item must be one of `allowed`; `what` names an item in messages.
void read_members_of(const Field& field, LoadContext& ctx, const std::vector<std::string>& allowed,
                     std::string_view what, std::vector<std::string>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  for (const auto& item : *items) {
    auto value = read_string(item, ctx);
    if (!value) continue;
    if (std::ranges::find(allowed, *value) == allowed.end()) {
      ctx.diag.error(item.line, item.path, "no " + std::string(what) + " named '" + *value + "'");
      continue;
    }
    out.push_back(std::move(*value));
  }
}

void load_sink(const Field& field, LoadContext& ctx, const std::vector<std::string>& cluster_names, SinkConfig& out) {
  StrictMap map(field, ctx);
  if (!map.is_map()) return;
  read_name(map, out.name);
  const bool type_known = map.read_choice<SinkType>("type", kSinkTypes, out.type);
  if (!map.contains("type")) {
    ctx.diag.error(map.self().line, map.path_of("type"), "required key 'type' is missing: alertmanager or webhook");
  }
  const bool webhook = out.type == SinkType::webhook;
  if (auto url = map.take("url")) {
    if (type_known && !webhook) {
      ctx.diag.error(url->line, url->path, "url is for webhook sinks; an alertmanager sink takes urls: [...]");
    } else if (auto text = read_string(*url, ctx)) {
      require_http_url(*url, ctx, *text);
      out.url = std::move(*text);
    }
  } else if (type_known && webhook) {
    ctx.diag.error(map.self().line, map.path_of("url"), "a webhook sink needs url");
  }
  if (auto urls = map.take("urls")) {
    if (type_known && webhook) {
      ctx.diag.error(urls->line, urls->path, "urls is for alertmanager sinks; a webhook sink takes one url");
    } else {
      read_urls(*urls, ctx, out.urls);
    }
  } else if (type_known && !webhook) {
    ctx.diag.error(map.self().line, map.path_of("urls"), "an alertmanager sink needs urls");
  }
  if (read_readable_path(map, "secret_file", out.secret_file) && type_known && !webhook) {
    ctx.diag.error(map.line_of("secret_file"), map.path_of("secret_file"), "secret_file applies to webhook sinks only");
  }
  if (map.read("headers", out.headers)) {
    for (const auto& [name, value] : out.headers) {
      if (!is_header_name(name)) {
        ctx.diag.error(map.line_of("headers"), map.path_of("headers") + "." + name, "invalid HTTP header name");
      }
    }
  }
  map.read("timeout", out.timeout, kPositive);
  const std::vector<std::string> severities(kSeverities.begin(), kSeverities.end());
  if (auto field_severities = map.take("severities")) {
    read_members_of(*field_severities, ctx, severities, "severity", out.severities);
  }
  if (auto clusters = map.take("clusters")) read_members_of(*clusters, ctx, cluster_names, "cluster", out.clusters);
  map.reject_unknown_keys();
}

void load_sinks(const Field& field, LoadContext& ctx, const std::vector<std::string>& cluster_names,
                std::vector<SinkConfig>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  std::map<std::string, int> first_line_of_name;
  for (const auto& item : *items) {
    SinkConfig sink;
    load_sink(item, ctx, cluster_names, sink);
    if (sink.name.empty()) continue;  // missing or invalid, already reported
    const int line = line_of(item.node["name"], item.line);
    auto [first, inserted] = first_line_of_name.emplace(sink.name, line);
    if (!inserted) {
      ctx.diag.error(line, item.path + ".name",
                     "duplicate sink name '" + sink.name + "' (first defined at line " + std::to_string(first->second) +
                         ")");
      continue;
    }
    out.push_back(std::move(sink));
  }
}

// A bound on `for` that no sane rule reaches; it catches a stray digit.
constexpr int kMaxForCycles = 1000;

void load_for(const Field& field, LoadContext& ctx, AlertForConfig& out) {
  StrictMap map(field, ctx);
  map.read("critical", out.critical, 1, kMaxForCycles);
  map.read("warning", out.warning, 1, kMaxForCycles);
  map.read("info", out.info, 1, kMaxForCycles);
  map.reject_unknown_keys();
}

void load_rule(const Field& field, LoadContext& ctx, AlertRuleConfig& out) {
  StrictMap map(field, ctx);
  if (!map.is_map()) return;
  if (!map.contains("for")) {
    ctx.diag.error(map.self().line, map.path_of("for"), "required key 'for' is missing: health cycles, 1 or more");
  }
  map.read("for", out.for_cycles, 1, kMaxForCycles);
  map.reject_unknown_keys();
}

// Rules are keyed by alert name; an unknown name is an error, since an override that never
// applies would leave its author believing the alert waits longer (or shorter) than it does.
void load_rules(const Field& field, LoadContext& ctx, std::map<std::string, AlertRuleConfig>& out) {
  StrictMap map(field, ctx);
  if (!map.is_map()) return;
  for (const auto& name : map.keys()) {
    auto rule = map.take(name);
    if (!is_known_alert_name(name)) {
      ctx.diag.error(rule->line, rule->path,
                     "no alert named '" + name + "' (alert names look like PgvigilReplicationLag)");
      continue;
    }
    AlertRuleConfig config;
    load_rule(*rule, ctx, config);
    out.emplace(name, config);
  }
}

void load_delivery_retry(const Field& field, LoadContext& ctx, DeliveryRetryConfig& out) {
  StrictMap map(field, ctx);
  read_backoff_bounds(map, "alerts.retry", out.base, out.max);
  map.read("multiplier", out.multiplier, 1.0, 100.0);
  map.reject_unknown_keys();
}

}  // namespace

void load_alerts(const Field& field, LoadContext& ctx, const std::vector<ClusterConfig>& clusters, AlertsConfig& out) {
  StrictMap map(field, ctx);
  map.read("resend_interval", out.resend_interval, kPositive);
  std::string runbook;
  if (map.read("runbook_base_url", runbook)) {
    if (!runbook.empty()) require_http_url(*map.take("runbook_base_url"), ctx, runbook);
    out.runbook_base_url = std::move(runbook);
  }
  map.read_size("spool_max_bytes", out.spool_max_bytes, 1024);
  if (auto for_cycles = map.take("for")) load_for(*for_cycles, ctx, out.for_cycles);
  if (auto rules = map.take("rules")) load_rules(*rules, ctx, out.rules);
  if (auto retry = map.take("retry")) load_delivery_retry(*retry, ctx, out.retry);
  std::vector<std::string> cluster_names;
  for (const auto& cluster : clusters) cluster_names.push_back(cluster.name);
  if (auto sinks = map.take("sinks")) load_sinks(*sinks, ctx, cluster_names, out.sinks);
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
