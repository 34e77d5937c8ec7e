// pgvigil-probe-rate: asks one URL at a fixed rate, as a fleet of load balancers does, and says
// how long the answers took. Unlike wrk, which sends the next request as soon as the last answer
// is in (and so measures latency at whatever rate the server can take), each connection here
// sends on a fixed schedule, and each answer's time is counted from when its request was due, not
// from when it was sent: a server that falls behind is charged for the requests that queued
// behind the slow one (no coordinated omission).
//
//   pgvigil-probe-rate --port 9188 --path /clusters/main/primary --rate 20000 --connections 4 --seconds 10
//
// Prints one line: "rate_sent rate_answered p50_ms p90_ms p99_ms p999_ms max_ms non_200 errors
// send_lag_p99_ms service_p50_ms service_p99_ms": the percentiles counted from each request's due
// time; how late this client itself sent (on a shared machine its own scheduling delays are part
// of what it measures); and the percentiles from the send to the answer, as wrk counts them.
// Plain HTTP/1.1 on 127.0.0.1 with keep-alive; every answer must carry a Content-Length.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/healthz";
  double rate = 20000;
  int connections = 4;
  double seconds = 10;
};

struct Tally {
  std::vector<double> latencies_ms;
  std::vector<double> send_lag_ms;  // how late this client itself sent: its own share of the latency
  std::vector<double> service_ms;   // from the send to the answer, as wrk counts
  long sent = 0;
  long non_200 = 0;
  long errors = 0;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: pgvigil-probe-rate --port P [--host 127.0.0.1] [--path /healthz] [--rate 20000]\n"
               "                          [--connections 4] [--seconds 10]\n");
  std::exit(64);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage();
    const char* value = argv[++i];
    if (flag == "--host") o.host = value;
    else if (flag == "--port") o.port = std::atoi(value);
    else if (flag == "--path") o.path = value;
    else if (flag == "--rate") o.rate = std::atof(value);
    else if (flag == "--connections") o.connections = std::atoi(value);
    else if (flag == "--seconds") o.seconds = std::atof(value);
    else usage();
  }
  if (o.port <= 0 || o.rate <= 0 || o.connections <= 0 || o.seconds <= 0) usage();
  return o;
}

int connect_to(const Options& o) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one answer; returns its status code, or -1 when the connection failed. `closing` is set
// when the server said it closes the connection after this answer (servers bound the requests a
// connection may carry); the next request then goes on a new connection, as a client's would.
int read_answer(int fd, std::string& buffer, bool& closing) {
  std::size_t header_end = std::string::npos;
  char chunk[16384];
  for (;;) {
    header_end = buffer.find("\r\n\r\n");
    if (header_end != std::string::npos) break;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  const int status = buffer.size() > 12 ? std::atoi(buffer.c_str() + 9) : -1;
  std::size_t length = 0;
  for (std::size_t at = 0; at < header_end;) {
    const std::size_t eol = buffer.find("\r\n", at);
    std::string line = buffer.substr(at, eol - at);
    std::transform(line.begin(), line.end(), line.begin(), [](unsigned char c) { return std::tolower(c); });
    if (line.rfind("content-length:", 0) == 0) length = std::strtoul(line.c_str() + 15, nullptr, 10);
    if (line.rfind("connection:", 0) == 0 && line.find("close") != std::string::npos) closing = true;
    at = eol + 2;
  }
  const std::size_t total = header_end + 4 + length;
  while (buffer.size() < total) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  buffer.erase(0, total);
  return status;
}

void run_connection(const Options& o, Clock::time_point start, Clock::duration period, Clock::duration offset,
                    Clock::time_point end, Tally& tally) {
  int fd = connect_to(o);
  const std::string request = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + "\r\n\r\n";
  std::string buffer;
  for (long k = 0;; ++k) {
    const auto due = start + offset + k * period;
    if (due >= end) break;
    std::this_thread::sleep_until(due);
    ++tally.sent;
    const auto sent = Clock::now();
    tally.send_lag_ms.push_back(std::chrono::duration<double, std::milli>(sent - due).count());
    if (fd < 0 && (fd = connect_to(o)) < 0) {
      ++tally.errors;
      continue;
    }
    int status = -1;
    bool closing = false;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      status = read_answer(fd, buffer, closing);
    }
    if (status < 0) {
      ++tally.errors;
      ::close(fd);
      fd = -1;
      buffer.clear();
      continue;
    }
    const auto answered = Clock::now();
    tally.latencies_ms.push_back(std::chrono::duration<double, std::milli>(answered - due).count());
    tally.service_ms.push_back(std::chrono::duration<double, std::milli>(answered - sent).count());
    if (status != 200) ++tally.non_200;
    if (closing) {
      ::close(fd);
      fd = connect_to(o);  // now, not on the next request's time: a client keeps its connection ready
      buffer.clear();
    }
  }
  if (fd >= 0) ::close(fd);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(o.connections) / o.rate));
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<Tally> tallies(static_cast<std::size_t>(o.connections));
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    // The connections' schedules interleave, so the requests arrive evenly spread.
    const auto offset = period * c / o.connections;
    threads.emplace_back(run_connection, std::cref(o), start, period, offset, end,
                         std::ref(tallies[static_cast<std::size_t>(c)]));
  }
  for (auto& thread : threads) thread.join();
  Tally all;
  for (auto& t : tallies) {
    all.latencies_ms.insert(all.latencies_ms.end(), t.latencies_ms.begin(), t.latencies_ms.end());
    all.send_lag_ms.insert(all.send_lag_ms.end(), t.send_lag_ms.begin(), t.send_lag_ms.end());
    all.service_ms.insert(all.service_ms.end(), t.service_ms.begin(), t.service_ms.end());
    all.sent += t.sent;
    all.non_200 += t.non_200;
    all.errors += t.errors;
  }
  std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
  std::sort(all.send_lag_ms.begin(), all.send_lag_ms.end());
  std::sort(all.service_ms.begin(), all.service_ms.end());
  std::printf("%.0f %.0f %.3f %.3f %.3f %.3f %.3f %ld %ld %.3f %.3f %.3f\n", static_cast<double>(all.sent) / o.seconds,
              static_cast<double>(all.latencies_ms.size()) / o.seconds, percentile(all.latencies_ms, 0.50),
              percentile(all.latencies_ms, 0.90), percentile(all.latencies_ms, 0.99),
              percentile(all.latencies_ms, 0.999), all.latencies_ms.empty() ? 0.0 : all.latencies_ms.back(),
              all.non_200, all.errors, percentile(all.send_lag_ms, 0.99), percentile(all.service_ms, 0.50),
              percentile(all.service_ms, 0.99));
  return all.errors > 0 ? 1 : 0;
}
