// The HTTP library's view of one request: it reads the request from memory (the connection loop
// has received all of it) and writes the answer straight to the client's socket, without waiting:
// what the socket does not take at once stays in memory for the loop to send. So a worker never
// waits on a client's network, and most answers leave from the worker in one write.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "http/client_socket.h"

namespace pgvigil::http {

// A connection's two ends, read once when it is accepted.
struct Endpoints {
  std::string remote_ip{};
  int remote_port = 0;
  std::string local_ip{};
  int local_port = 0;
};

Endpoints endpoints_of(int socket);

class BufferedStream final : public httplib::Stream {
 public:
  // `socket` is the worker's alone until the answer is flushed: the loop leaves it be meanwhile.
  BufferedStream(const Endpoints& endpoints, ClientSocket& socket, std::string_view request)
      : endpoints_(endpoints), socket_(socket), request_(request) {}

  bool is_readable() const override { return !request_.empty(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return socket_.fd(); }

  // Sends what is held back. Then unsent() is what the socket did not take, for the loop.
  void flush();
  std::string& unsent() { return held_; }
  bool lost() const { return lost_; }  // the client went away while it was being answered

 private:
  void send_held();

  const Endpoints& endpoints_;
  ClientSocket& socket_;
  std::string_view request_;  // what is left to read
  std::string held_;          // written and not sent yet
  bool blocked_ = false;      // the socket took less than it was given: the rest goes by the loop
  bool lost_ = false;
};

}  // namespace pgvigil::http
