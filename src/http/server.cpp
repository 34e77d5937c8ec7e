// The one place that speaks cpp-httplib: it converts between the library's types and the
// router's. The library parses each request and writes its answer, in memory, on a worker; the
// network is the connection loop's (connection_loop.h).
#include "http/server.h"

#include <mutex>
#include <utility>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "http/admin_token.h"
#include "http/buffered_stream.h"
#include "http/connection_loop.h"
#include "http/health_json.h"
#include "http/listen_address.h"
#include "http/listening_socket.h"
#include "http/worker_pool.h"

namespace pgvigil::http {
namespace {

using namespace std::chrono_literals;

Request to_request(const httplib::Request& wire) {
  Request request;
  request.method = wire.method;
  request.path = wire.path;
  // A repeated parameter or header keeps its first value.
  for (const auto& [name, value] : wire.params) request.query.emplace(name, value);
  for (const auto& [name, value] : wire.headers) request.headers.emplace(name, value);
  return request;
}

void to_wire(Response response, httplib::Response& wire) {
  wire.status = response.status;
  for (const auto& [name, value] : response.headers) wire.set_header(name, value);
  // Health answers go stale within one interval; no proxy or client may reuse them.
  if (!wire.has_header("Cache-Control")) wire.set_header("Cache-Control", "no-store");
  // What set_content() does, but moving the body: the library only has a copying overload, and a
  // /metrics body is some 11 KB.
  wire.headers.erase("Content-Type");
  wire.set_header("Content-Type", response.content_type);
  wire.body = std::move(response.body);
}

// For the answers the library gives on its own, before any route runs.
std::string library_error_message(int status) {
  switch (status) {
    case 400: return "bad request";
    case 413: return "request body too large";
    case 414: return "request line too long";
    default: return "HTTP " + std::to_string(status);
  }
}

Response route_safely(const Request& request, const Hooks& hooks) {
  try {
    return route(request, hooks);
  } catch (const std::exception& e) {
    spdlog::warn("http: {} {} failed: {}", request.method, request.path, e.what());
  }
  return {500, std::string(kJsonContentType), error_json("internal error"), {}};
}

// The library's request parsing, routing and answer writing, over one request in memory.
class RequestProcessor final : public httplib::Server {
 public:
  // False when the request could not be read; `closed` when it asked to close the connection.
  bool serve(httplib::Stream& stream, bool last, bool& closed) { return process_request(stream, last, closed, nullptr); }
};

}  // namespace

struct HttpServer::Impl {
  Hooks hooks;
  RequestProcessor processor;
  ListeningSocket listening;
  TlsContext tls{nullptr, &SSL_CTX_free};
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<ConnectionLoop> loop;
  std::once_flag stopped;

  void configure() {
    processor.set_keep_alive_timeout(kKeepAliveIdleSeconds);  // what the Keep-Alive header says
    processor.set_keep_alive_max_count(kKeepAliveMaxRequests);
    processor.set_payload_max_length(kMaxPayloadBytes);

    const auto handle = [this](const httplib::Request& wire_request, httplib::Response& wire_response) {
      const Request request = to_request(wire_request);
      Response response = route_safely(request, hooks);
      spdlog::debug("http: {} {} -> {}", request.method, request.path, response.status);
      to_wire(std::move(response), wire_response);
    };
    // Every method reaches the router, which knows which ones each path accepts (405 otherwise).
    // HEAD is routed with GET by the library.
    processor.Get(".*", handle);
    processor.Post(".*", handle);
    processor.Put(".*", handle);
    processor.Patch(".*", handle);
    processor.Delete(".*", handle);
    processor.Options(".*", handle);
    // For a POST, PUT, PATCH or DELETE that announces no body (no Content-Length, no
    // Transfer-Encoding: what `curl -X POST URL` sends) the library would wait for one and then
    // answer 400. HTTP/1.1 says such a request has an empty body, and no endpoint here reads a
    // body: route it at once.
    processor.set_pre_routing_handler([handle](const httplib::Request& wire_request, httplib::Response& wire_response) {
      const auto& method = wire_request.method;
      const bool may_carry_body = method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
      if (!may_carry_body || wire_request.has_header("Content-Length") ||
          wire_request.has_header("Transfer-Encoding")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      handle(wire_request, wire_response);
      return httplib::Server::HandlerResponse::Handled;
    });
    // Answers the library makes itself (malformed request, payload too large) get a JSON body too.
    // (The library calls this for every status >= 400, the router's included: leave those be.)
    processor.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& wire_request, httplib::Response& wire_response) {
          if (!wire_response.body.empty() || wire_request.method == "HEAD") {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          to_wire({wire_response.status, std::string(kJsonContentType),
                   error_json(library_error_message(wire_response.status)), {}},
                  wire_response);
          return httplib::Server::HandlerResponse::Handled;
        }));
  }

  Served serve(const Endpoints& endpoints, ClientSocket& socket, std::string_view request, bool last) {
    BufferedStream stream(endpoints, socket, request);
    bool closed = false;
    const bool answered = processor.serve(stream, last, closed);
    stream.flush();
    return {.unsent = std::move(stream.unsent()), .close = last || closed || !answered, .lost = stream.lost()};
  }

  void stop() {
    std::call_once(stopped, [this] {
      if (loop) loop->stop();  // in-flight answers are sent first
      if (workers) workers->shutdown();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return impl_->listening.port; }

bool HttpServer::tls() const { return impl_->tls != nullptr; }

std::size_t HttpServer::connections() const { return impl_->loop->connections(); }

void HttpServer::stop() { impl_->stop(); }

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::start(const config::HttpConfig& config, Hooks hooks,
                                                                         int threads) {
  if (!config.admin_token_file.empty()) {
    auto token = read_admin_token(config.admin_token_file);
    if (!token) return std::unexpected(token.error());
    hooks.admin_token = std::move(*token);
  }
  auto address = parse_listen_address(config.listen);
  if (!address) return std::unexpected(address.error());

  auto impl = std::make_unique<Impl>();
  impl->hooks = std::move(hooks);
  if (!config.tls.cert_file.empty() || !config.tls.key_file.empty()) {
    auto tls = tls_context(config.tls);
    if (!tls) return std::unexpected(tls.error());
    impl->tls = std::move(*tls);
  }
  impl->configure();
  auto listening = listen_on(*address);
  if (!listening) return std::unexpected(listening.error());
  impl->listening = std::move(*listening);

  impl->workers = std::make_unique<WorkerPool>(static_cast<std::size_t>(std::max(threads, 1)));
  Impl* raw = impl.get();
  LoopLimits limits;
  limits.request_timeout = std::chrono::seconds(kTimeoutSeconds);
  limits.write_timeout = std::chrono::seconds(kTimeoutSeconds);
  limits.idle_timeout = std::chrono::seconds(kKeepAliveIdleSeconds);
  limits.keep_alive_max_requests = kKeepAliveMaxRequests;
  limits.per_client = kMaxConnectionsPerClient;
  limits.total = kMaxConnections;
  limits.framing.max_body = kMaxPayloadBytes;
  impl->loop = std::make_unique<ConnectionLoop>(
      impl->listening.fd, impl->tls.get(),
      [raw](const Endpoints& endpoints, ClientSocket& socket, std::string_view request, bool last) {
        return raw->serve(endpoints, socket, request, last);
      },
      *impl->workers, limits);
  impl->loop->start();
  spdlog::info("http: listening on {}:{}{}", address->host, impl->listening.port, impl->tls ? " (TLS)" : "");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace pgvigil::http
