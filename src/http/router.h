// The HTTP API as a pure function from a request to a response, with no sockets: the server
// adaptor (http/server.h) turns wire requests into Requests and Responses back into bytes.
// route() holds no state of its own (the Hooks carry the thread-safe cache of cluster documents)
// and may run on any number of threads at once, provided the Hooks' functions may too.
//
//   GET|HEAD /health                                  200, or 503 when any cluster is unhealthy
//   GET|HEAD /clusters/{c}                            200, or 503 when that cluster is unhealthy
//   GET|HEAD /clusters/{c}/primary                    load-balancer probes: 200 or 503, see
//   GET|HEAD /clusters/{c}/members/{m}/primary          http/probe_rules.h; a 503 body carries
//   GET|HEAD /clusters/{c}/members/{m}/replica          the reasons and a one-phrase "why"
//            ?max_lag=16MB&max_lag_s=10
//   GET|HEAD /livez, /readyz                          200 or 503
//   GET|HEAD /metrics                                 Prometheus text
//   GET|HEAD /stats                                   pool counters and database sizes
//   GET|HEAD /actions?limit=100                       the canceller's audit, newest first
//   GET|HEAD /queries?cluster=c&member=m&limit=N      pg_stat_statements intervals, newest first
//   POST     /-/reload                                Authorization: Bearer <admin token>
//
// HEAD answers with the status GET would give and an empty body. Errors are JSON {"error": ...}:
// 400 bad query, 401/403 admin credentials, 404 unknown path/cluster/member, 405 wrong method.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "health/snapshot.h"
#include "http/cluster_json_cache.h"

namespace pgvigil::http {

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string path;    // already percent-decoded, without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names are matched without regard to case
};

struct Response {
  int status = 500;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;  // extra ones: Allow on 405, WWW-Authenticate on 401
};

// What the router needs from the rest of the daemon. Each function is called on an HTTP worker
// thread, so it must be thread-safe and quick; an empty function makes its endpoint answer
// 404 (metrics) or 503 (reload).
struct Hooks {
  std::function<health::SnapshotPtr()> snapshot;             // the latest snapshot; null = none yet
  std::function<std::string()> metrics_text;                 // Prometheus exposition text
  std::function<std::pair<bool, std::string>()> reload;      // {ok, error message}
  std::string admin_token;                                   // empty = POST endpoints disabled
  // The clusters' JSON documents, shared by /health and /clusters/{c}; copies of the Hooks
  // share it. Never null.
  std::shared_ptr<ClusterJsonCache> cluster_json = std::make_shared<ClusterJsonCache>();
};

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

Response route(const Request& request, const Hooks& hooks);

}  // namespace pgvigil::http
