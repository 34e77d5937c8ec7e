// Hostile and careless HTTP clients over real loopback sockets: slow-loris connections by the
// hundred, oversized request lines and heads, bodies on GETs, too many connections from one
// address, requests that never end, requests sent ahead. None may hold a worker or keep /livez
// and the probes from answering.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "http_server_fixture.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using http::HttpServer;
using test::status;

// A client socket that speaks raw bytes, closed when it goes.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(RawClient&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), connected_(other.connected_) {}
  RawClient& operator=(RawClient&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
      connected_ = other.connected_;
    }
    return *this;
  }
  RawClient(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // What arrives within `wait`, until the peer closes or `enough` bytes are in.
  std::string receive(std::chrono::milliseconds wait, std::size_t enough = 1 << 20) {
    std::string out;
    const auto deadline = Clock::now() + wait;
    while (out.size() < enough) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Sends FIN: the client has nothing more to say, and waits for its answers.
  void end_sending() { ::shutdown(fd_, SHUT_WR); }

  // Whether the server has closed its side: a read sees the end (or a reset) at once.
  bool closed_by_peer() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char buffer[4096];
    return ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT) <= 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string status_line(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

// Room for a thousand sockets on both ends of the loopback in one process.
void raise_file_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

class HttpLimits : public test::HttpServerFixture {};

TEST_F(HttpLimits, FiveHundredSlowLorisConnectionsLeaveLivezAndProbesUnder100ms) {
  raise_file_limit();
  auto server = start(4);
  ASSERT_TRUE(server);
  const int port = server->port();
  std::atomic<bool> done{false};
  std::atomic<int> reconnects{0};
  std::atomic<std::size_t> most_open{0};
  std::jthread loris([&] {
    // Each connection sends a request line and one header, then a byte of another header every
    // second; one the server drops is opened again, as attack tools do.
    const std::string start_of_request = "GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    std::vector<RawClient> slow;
    for (int i = 0; i < 500; ++i) {
      slow.emplace_back(port);
      slow.back().send(start_of_request);
    }
    while (!done.load()) {
      for (RawClient& c : slow) {
        if (done.load()) break;
        if (!c.send("a") || c.closed_by_peer()) {
          c = RawClient(port);
          c.send(start_of_request);
          ++reconnects;
        }
        most_open.store(std::max(most_open.load(), server->connections()));
        std::this_thread::sleep_for(2ms);  // 500 connections a second, one byte each
      }
    }
  });

  std::this_thread::sleep_for(1s);  // every slow connection is open and trickling
  int answers = 0;
  int late = 0;
  auto slowest = Clock::duration::zero();
  const auto until = Clock::now() + 8s;
  for (int i = 0; Clock::now() < until; ++i) {
    auto c = client(*server);
    const auto begun = Clock::now();
    const auto result = c.Get(i % 2 == 0 ? "/livez" : "/clusters/main/primary");
    const auto took = Clock::now() - begun;
    EXPECT_EQ(status(result), 200) << "answer " << i;
    slowest = std::max(slowest, took);
    if (took > 100ms) ++late;
    ++answers;
    std::this_thread::sleep_for(50ms);
  }
  done = true;
  loris.join();
  EXPECT_GT(answers, 100);
  EXPECT_EQ(late, 0) << "slowest answer "
                     << std::chrono::duration_cast<std::chrono::microseconds>(slowest).count() << " us";
  EXPECT_LE(most_open.load(), HttpServer::kMaxConnectionsPerClient + 8) << "one address holds at most 256";
  EXPECT_GT(reconnects.load(), 200) << "the server dropped slow connections for newer ones";
}

TEST_F(HttpLimits, ARequestLineOver8kIs414AndAHeadOver16kIs431) {
  auto server = start(2);
  ASSERT_TRUE(server);
  RawClient long_line(server->port());
  ASSERT_TRUE(long_line.send("GET /" + std::string(9000, 'a')));  // no line end yet: refused already
  const std::string answer = long_line.receive(2s);
  EXPECT_EQ(status_line(answer), "HTTP/1.1 414 URI Too Long") << answer;
  EXPECT_NE(answer.find(R"({"error":"request line too long"})"), std::string::npos) << answer;

  RawClient big_head(server->port());
  std::string head = "GET /livez HTTP/1.1\r\n";
  while (head.size() < 17 * 1024) head += "X-Filler: " + std::string(200, 'f') + "\r\n";
  ASSERT_TRUE(big_head.send(head));
  EXPECT_EQ(status_line(big_head.receive(2s)), "HTTP/1.1 431 Request Header Fields Too Large");

  EXPECT_EQ(status(client(*server).Get("/livez")), 200) << "others are still served";
}

TEST_F(HttpLimits, AGetWithABodyIsDrainedWithoutHoldingAWorker) {
  auto server = start(1);  // one worker: were it waiting on the body, nothing else would be answered
  ASSERT_TRUE(server);
  RawClient with_body(server->port());
  ASSERT_TRUE(with_body.send("GET /livez HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(10, 'b')));
  std::this_thread::sleep_for(100ms);

  const auto begun = Clock::now();
  EXPECT_EQ(status(client(*server).Get("/clusters/main/primary")), 200);
  EXPECT_LT(Clock::now() - begun, 100ms);

  ASSERT_TRUE(with_body.send(std::string(90, 'b') + "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string answers = with_body.receive(1s);
  EXPECT_EQ(status_line(answers), "HTTP/1.1 200 OK") << "answered once its body was in";
  EXPECT_NE(answers.find("HTTP/1.1 200 OK", 1), std::string::npos) << "and the request after it: " << answers;

  RawClient huge(server->port());
  ASSERT_TRUE(huge.send("GET /livez HTTP/1.1\r\nContent-Length: 70000\r\n\r\n"));
  EXPECT_EQ(status_line(huge.receive(2s)), "HTTP/1.1 413 Payload Too Large") << "refused before it is sent";
  RawClient chunked(server->port());
  ASSERT_TRUE(chunked.send("POST /-/reload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  EXPECT_EQ(status_line(chunked.receive(2s)), "HTTP/1.1 411 Length Required");
  EXPECT_EQ(reloads_.load(), 0);
}

TEST_F(HttpLimits, AClientReadingSlowlyHoldsNoWorker) {
  while (metrics_body_.size() < 8'000'000) metrics_body_ += "pgvigil_sample{x=\"padding padding\"} 1\n";
  auto server = start(1);  // one worker: were it sending the 8 MB, nothing else would be answered
  ASSERT_TRUE(server);
  RawClient slow_reader(server->port());
  ASSERT_TRUE(slow_reader.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = slow_reader.receive(200ms, 1000);  // a little, then nothing for a while
  ASSERT_EQ(status_line(first), "HTTP/1.1 200 OK");

  for (int i = 0; i < 10; ++i) {
    const auto begun = Clock::now();
    EXPECT_EQ(status(client(*server).Get("/livez")), 200);
    EXPECT_LT(Clock::now() - begun, 100ms) << "request " << i;
  }
  const std::string rest = slow_reader.receive(5s, metrics_body_.size());
  EXPECT_GE(first.size() + rest.size(), metrics_body_.size()) << "the whole answer arrives in the end";
}

TEST_F(HttpLimits, OneAddressHoldsAtMost256Connections) {
  raise_file_limit();
  auto server = start(2);
  ASSERT_TRUE(server);
  std::vector<RawClient> idle;
  for (int i = 0; i < 300; ++i) idle.emplace_back(server->port());
  std::this_thread::sleep_for(200ms);
  EXPECT_LE(server->connections(), HttpServer::kMaxConnectionsPerClient);
  int dropped = 0;
  for (RawClient& c : idle) dropped += c.closed_by_peer() ? 1 : 0;
  EXPECT_GE(dropped, 300 - static_cast<int>(HttpServer::kMaxConnectionsPerClient)) << "the oldest went first";
  EXPECT_FALSE(idle.back().closed_by_peer()) << "the newest stays";
  EXPECT_EQ(status(client(*server).Get("/livez")), 200) << "a new request still gets in";
}

TEST_F(HttpLimits, ARequestNotWholeWithinFiveSecondsIs408) {
  auto server = start(1);
  ASSERT_TRUE(server);
  RawClient slow(server->port());
  ASSERT_TRUE(slow.send("GET /livez HTTP/1.1\r\nHost: x\r\n"));
  const auto begun = Clock::now();
  const std::string answer = slow.receive(std::chrono::seconds(HttpServer::kTimeoutSeconds + 2));
  EXPECT_EQ(status_line(answer), "HTTP/1.1 408 Request Timeout") << answer;
  EXPECT_GE(Clock::now() - begun, std::chrono::seconds(HttpServer::kTimeoutSeconds) - 100ms);
  EXPECT_TRUE(slow.closed_by_peer() || slow.receive(500ms).empty());
}

TEST_F(HttpLimits, RequestsSentAheadAreAnsweredInOrder) {
  auto server = start(2);
  ASSERT_TRUE(server);
  RawClient pipelined(server->port());
  ASSERT_TRUE(pipelined.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /clusters/main/primary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string answers = pipelined.receive(2s);
  const std::size_t first = answers.find("HTTP/1.1 200");
  const std::size_t second = answers.find("HTTP/1.1 404");
  const std::size_t third = answers.find("HTTP/1.1 200", first + 1);
  EXPECT_NE(first, std::string::npos) << answers;
  EXPECT_NE(second, std::string::npos) << answers;
  EXPECT_NE(third, std::string::npos) << answers;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_TRUE(pipelined.closed_by_peer() || pipelined.receive(500ms).empty()) << "closed as asked";
}

// `printf 'GET ...' | nc -N`, and scripts that shut down their side once the request is out.
TEST_F(HttpLimits, RequestsFollowedByAHalfCloseAreAnswered) {
  auto server = start(2);
  ASSERT_TRUE(server);
  RawClient half_closed(server->port());
  ASSERT_TRUE(half_closed.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\nGET /clusters/main/primary HTTP/1.1\r\n\r\n"));
  half_closed.end_sending();
  const std::string answers = half_closed.receive(2s);
  const std::size_t first = answers.find("HTTP/1.1 200");
  EXPECT_NE(first, std::string::npos) << answers;
  EXPECT_NE(answers.find("HTTP/1.1 200", first + 1), std::string::npos) << "both: " << answers;

  RawClient cut_short(server->port());
  ASSERT_TRUE(cut_short.send("GET /livez HTTP/1.1\r\nHost: x\r\n"));  // the head never ends
  cut_short.end_sending();
  EXPECT_EQ(cut_short.receive(2s), "") << "closed without an answer, at once";
}

}  // namespace
}  // namespace pgvigil
