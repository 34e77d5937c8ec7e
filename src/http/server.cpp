// The one place that speaks cpp-httplib: it converts between the library's types and the
// router's, and owns the listener thread.
#include "http/server.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include <httplib.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "http/admin_token.h"
#include "http/health_json.h"
#include "http/listen_address.h"
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

std::expected<std::unique_ptr<httplib::Server>, std::string> make_server(const config::TlsConfig& tls) {
  if (tls.cert_file.empty() && tls.key_file.empty()) return std::make_unique<httplib::Server>();
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return std::unexpected("http.tls needs both cert_file and key_file");
  }
  auto server = std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(), tls.key_file.c_str());
  if (!server->is_valid()) {
    return std::unexpected("cannot load http.tls certificate " + tls.cert_file + " with key " + tls.key_file);
  }
  SSL_CTX_set_min_proto_version(server->ssl_context(), TLS1_2_VERSION);
  return server;
}

}  // namespace

struct HttpServer::Impl {
  Hooks hooks;
  std::unique_ptr<httplib::Server> server;
  bool tls = false;
  int port = 0;
  std::atomic<bool> listener_done{false};
  std::jthread listener;
  std::once_flag stopped;

  void configure(int threads) {
    const auto pool_size = static_cast<std::size_t>(std::max(threads, 1));
    server->new_task_queue = [pool_size] { return new WorkerPool(pool_size); };
    server->set_tcp_nodelay(true);  // without it Nagle and delayed ACKs add ~40 ms per answer
    // The library's default adds SO_REUSEPORT, which lets a second daemon bind the same port and
    // silently take half the probes. SO_REUSEADDR alone still allows a quick restart.
    server->set_socket_options([](int socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server->set_read_timeout(kTimeoutSeconds, 0);
    server->set_write_timeout(kTimeoutSeconds, 0);
    server->set_keep_alive_timeout(kKeepAliveIdleSeconds);
    server->set_keep_alive_max_count(kKeepAliveMaxRequests);
    server->set_payload_max_length(kMaxPayloadBytes);

    const auto handle = [this](const httplib::Request& wire_request, httplib::Response& wire_response) {
      const Request request = to_request(wire_request);
      Response response = route_safely(request, hooks);
      spdlog::debug("http: {} {} -> {}", request.method, request.path, response.status);
      to_wire(std::move(response), wire_response);
    };
    // Every method reaches the router, which knows which ones each path accepts (405 otherwise).
    // HEAD is routed with GET by the library.
    server->Get(".*", handle);
    server->Post(".*", handle);
    server->Put(".*", handle);
    server->Patch(".*", handle);
    server->Delete(".*", handle);
    server->Options(".*", handle);
    // For a POST, PUT, PATCH or DELETE that announces no body (no Content-Length, no
    // Transfer-Encoding: what `curl -X POST URL` sends) the library waits out the read timeout for
    // one and then answers 400. HTTP/1.1 says such a request has an empty body, and no endpoint
    // here reads a body: route it at once.
    server->set_pre_routing_handler([handle](const httplib::Request& wire_request, httplib::Response& wire_response) {
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
    server->set_error_handler(httplib::Server::HandlerWithResponse(
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

  std::expected<void, std::string> bind(const ListenAddress& address) {
    errno = 0;
    port = address.port == 0 ? server->bind_to_any_port(address.host)
                             : (server->bind_to_port(address.host, address.port) ? address.port : -1);
    if (port >= 0) return {};
    std::string message = "cannot listen on " + address.host + ":" + std::to_string(address.port);
    if (errno != 0) message += ": " + std::generic_category().message(errno);
    return std::unexpected(message);
  }

  // The library ignores stop() until its loop has started, so wait for that (or for an early exit).
  bool wait_until_listening() const {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server->is_running()) {
      if (listener_done.load() || std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  void stop() {
    std::call_once(stopped, [this] {
      if (!listener.joinable()) return;
      // The library ignores stop() until its loop runs, so keep watching until it has exited;
      // but ask only once: a second stop() while the loop winds down trips its assertion.
      bool asked = false;
      while (!listener_done.load()) {
        if (!asked && server->is_running()) {
          server->stop();
          asked = true;
        }
        std::this_thread::sleep_for(1ms);
      }
      listener.join();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::port() const { return impl_->port; }

bool HttpServer::tls() const { return impl_->tls; }

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
  auto server = make_server(config.tls);
  if (!server) return std::unexpected(server.error());

  auto impl = std::make_unique<Impl>();
  impl->hooks = std::move(hooks);
  impl->server = std::move(*server);
  impl->tls = !config.tls.cert_file.empty();
  impl->configure(threads);
  if (auto bound = impl->bind(*address); !bound) return std::unexpected(bound.error());

  Impl* raw = impl.get();
  impl->listener = std::jthread([raw] {
    if (!raw->server->listen_after_bind()) {
      spdlog::error("http: the listener on port {} stopped with an error", raw->port);
    }
    raw->listener_done.store(true);
  });
  if (!impl->wait_until_listening()) {
    impl->stop();
    return std::unexpected("the HTTP listener on " + config.listen + " did not start");
  }
  spdlog::info("http: listening on {}:{}{}", address->host, impl->port, impl->tls ? " (TLS)" : "");
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace pgvigil::http
