// A stand-in webhook or Alertmanager on 127.0.0.1 for the alert delivery tests.
//
// Its port is reserved when it is made (a socket bound with SO_REUSEPORT that never listens, so
// connections to it are refused) and held until it is destroyed: a test can point a sink at a
// receiver that is down and bring it up, or down again, later on the same port.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pgvigil::alerts::testing {

using namespace std::chrono_literals;

// Polls (in real time, bounded) for a condition another thread makes true.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

struct ReceivedRequest {
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;  // first value of each
  int status = 0;                              // what the receiver answered
};

class TestReceiver {
 public:
  // Decides the status of each request; called on a server thread, never with the lock held.
  using Answer = std::function<int(const ReceivedRequest&)>;

  explicit TestReceiver(Answer answer = [](const ReceivedRequest&) { return 200; }) : answer_(std::move(answer)) {
    reservation_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (reservation_ < 0) throw std::runtime_error("socket() failed");
    const int yes = 1;
    ::setsockopt(reservation_, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(reservation_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind() failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(reservation_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }

  ~TestReceiver() {
    stop();
    ::close(reservation_);
  }

  TestReceiver(const TestReceiver&) = delete;
  TestReceiver& operator=(const TestReceiver&) = delete;

  int port() const { return port_; }
  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  void start() {
    server_ = std::make_unique<httplib::Server>();
    server_->set_socket_options([](int socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
    });
    server_->Post(".*", [this](const httplib::Request& wire, httplib::Response& response) {
      ReceivedRequest request;
      request.path = wire.path;
      request.body = wire.body;
      for (const auto& [name, value] : wire.headers) request.headers.emplace(name, value);
      request.status = answer_(request);
      response.status = request.status;
      response.set_content(request.status < 300 ? "" : "{\"error\":\"test says no\"}", "application/json");
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    });
    if (!server_->bind_to_port("127.0.0.1", port_)) throw std::runtime_error("cannot bind the receiver's port");
    httplib::Server* server = server_.get();
    listener_ = std::thread([server] { server->listen_after_bind(); });
    // The library ignores stop() until its loop runs.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  }

  void stop() {
    if (!server_) return;
    server_->stop();
    listener_.join();
    server_.reset();
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  // Bodies of the requests answered 2xx, in arrival order.
  std::vector<std::string> accepted_bodies() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> bodies;
    for (const auto& request : requests_) {
      if (request.status >= 200 && request.status < 300) bodies.push_back(request.body);
    }
    return bodies;
  }

 private:
  Answer answer_;
  int reservation_ = -1;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace pgvigil::alerts::testing
