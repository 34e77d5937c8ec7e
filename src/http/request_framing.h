// Where one HTTP/1.1 request ends in the bytes a client has sent so far, so that the connection
// loop hands a worker only a request that is complete: a worker then never waits on a client,
// however slowly it sends (slow-loris). Refuses, with the status to answer, what no endpoint here
// needs: a request line of 8 kB or more with its line end (414), a head over 16 kB or a header
// line over 8 kB (431), a body over 64 kB (413), a chunked body (411: send a Content-Length), and
// whatever a proxy in front could read differently (400): a malformed or doubled Content-Length,
// a line end other than CRLF, a folded header line, a blank before a colon. A body is taken
// whatever the method, so a GET that carries one is drained rather than read as the next
// request. Pure; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace pgvigil::http {

struct FramingLimits {
  std::size_t max_request_line = 8 * 1024;  // also the longest header line
  std::size_t max_head = 16 * 1024;  // request line and headers, up to the blank line
  std::size_t max_body = 64 * 1024;
};

struct Framing {
  enum class State { incomplete, complete, refused };
  State state = State::incomplete;
  std::size_t size = 0;    // complete: the request's bytes, head and body
  int status = 0;          // refused: what to answer
  std::string_view reason{};  // refused: why, for the answer's body (static text)
  // incomplete: the head of an HTTP/1.1 request is in and asks for "100 Continue" before its body
  // is sent.
  bool expects_continue = false;
};

Framing frame_request(std::string_view received, const FramingLimits& limits = {});

}  // namespace pgvigil::http
