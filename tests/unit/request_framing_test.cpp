// Where a request ends in what a client has sent so far, and what is refused before any worker
// sees it.
#include <gtest/gtest.h>

#include <string>

#include "http/request_framing.h"

namespace pgvigil::http {
namespace {

using State = Framing::State;

TEST(RequestFraming, AHeadIsCompleteAtItsBlankLine) {
  const std::string get = "GET /livez HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(frame_request(get).state, State::complete);
  EXPECT_EQ(frame_request(get).size, get.size());
  for (std::size_t cut = 0; cut < get.size(); ++cut) {
    EXPECT_EQ(frame_request(get.substr(0, cut)).state, State::incomplete) << cut;
  }
  EXPECT_EQ(frame_request("GET / HTTP/1.1\r\n\r\n").size, 18u) << "no headers at all";
}

TEST(RequestFraming, ARequestSentAheadIsLeftForItsTurn) {
  const std::string first = "GET /a HTTP/1.1\r\n\r\n";
  const Framing framing = frame_request(first + "GET /b HTTP/1.1\r\n\r\n");
  EXPECT_EQ(framing.state, State::complete);
  EXPECT_EQ(framing.size, first.size());
}

TEST(RequestFraming, ABodyIsWaitedForWhateverTheMethod) {
  const std::string head = "GET /health HTTP/1.1\r\ncontent-LENGTH:  5 \r\n\r\n";
  EXPECT_EQ(frame_request(head).state, State::incomplete);
  EXPECT_EQ(frame_request(head + "abcd").state, State::incomplete);
  EXPECT_EQ(frame_request(head + "abcdeGET").size, head.size() + 5) << "the body, not what follows it";
  EXPECT_EQ(frame_request("POST /reload HTTP/1.1\r\n\r\n").state, State::complete) << "no length: no body";
}

TEST(RequestFraming, AskingToContinueIsSeenOnceTheHeadIsIn) {
  const std::string head = "POST /x HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
  EXPECT_TRUE(frame_request(head).expects_continue);
  EXPECT_FALSE(frame_request(head.substr(0, head.size() - 2)).expects_continue) << "head not in yet";
  EXPECT_EQ(frame_request(head + "abc").state, State::complete);
  std::string old = head;
  old.replace(old.find("HTTP/1.1"), 8, "HTTP/1.0");
  EXPECT_FALSE(frame_request(old).expects_continue) << "never for HTTP/1.0 (RFC 9110)";
}

TEST(RequestFraming, ALongRequestLineIs414EvenBeforeItEnds) {
  const std::string line = "GET /" + std::string(9000, 'a');
  EXPECT_EQ(frame_request(line).status, 414) << "no line end yet";
  EXPECT_EQ(frame_request(line + " HTTP/1.1\r\n\r\n").status, 414);
  const std::string at_limit = "GET /" + std::string(8192 - 16, 'a') + " HTTP/1.1\r\n";
  EXPECT_EQ(at_limit.size(), 8192u) << "the line with its line end";
  EXPECT_EQ(frame_request(at_limit + "\r\n").state, State::complete) << "8 kB is allowed";
  EXPECT_EQ(frame_request("GET /a" + at_limit.substr(5) + "\r\n").status, 414) << "a byte more is not";
}

TEST(RequestFraming, ALargeHeadIs431EvenBeforeItEnds) {
  const std::string start = "GET / HTTP/1.1\r\n";
  std::string head = start;
  while (head.size() <= 16 * 1024) head += "X-Filler: " + std::string(100, 'f') + "\r\n";
  EXPECT_EQ(frame_request(head).status, 431) << "no blank line yet";
  EXPECT_EQ(frame_request(head + "\r\n").status, 431);
  const Framing refused = frame_request(head);
  EXPECT_EQ(refused.state, State::refused);
  EXPECT_FALSE(refused.reason.empty());
}

TEST(RequestFraming, AHeaderLineOver8kIs431) {
  const std::string line = "X-Big: " + std::string(8192 - 9, 'b') + "\r\n";
  ASSERT_EQ(line.size(), 8192u);
  EXPECT_EQ(frame_request("GET / HTTP/1.1\r\n" + line + "\r\n").state, State::complete) << "8 kB is allowed";
  EXPECT_EQ(frame_request("GET / HTTP/1.1\r\nX" + line + "\r\n").status, 431);
}

// Heads that a proxy in front could split or read otherwise than the parser behind: refused.
TEST(RequestFraming, WhatAProxyCouldReadDifferentlyIs400) {
  const auto status_of = [](const std::string& head) { return frame_request(head).status; };
  EXPECT_EQ(status_of("GET /a HTTP/1.1\r\nX: 1\n\r\nGET /b HTTP/1.1\r\n\r\n"), 400) << "a bare LF";
  EXPECT_EQ(status_of("GET /a HTTP/1.1\nHost: x\r\n\r\n"), 400) << "a bare LF after the request line";
  EXPECT_EQ(status_of("GET /a HTTP/1.1\r\nX: 1\r2\r\n\r\n"), 400) << "a bare CR";
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nX: 1\r\n Content-Length: 5\r\n\r\n"), 400) << "a folded line";
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\n"), 400) << "a blank before the colon";
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nTransfer-Encoding\t: chunked\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nno colon here\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n: no name\r\n\r\n"), 400);
  EXPECT_EQ(frame_request("GET / HTTP/1.1\r\nX-Empty:\r\nX-Tab:\tv\r\n\r\n").state, State::complete);
}

TEST(RequestFraming, BodiesThatAreTooLargeOrNotCountedAreRefused) {
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n").status, 413);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 65536\r\n\r\n").state, State::incomplete);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status, 411);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n").status, 400);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status, 400);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n").status, 400);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n").status, 400);
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab").status, 400)
      << "two lengths that disagree";
  EXPECT_EQ(frame_request("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab").state,
            State::complete);
}

TEST(RequestFraming, ABodyDoesNotCountAsHeaders) {
  // A body that looks like headers is not read as them.
  const std::string request = "POST / HTTP/1.1\r\nContent-Length: 43\r\n\r\nTransfer-Encoding: x\r\nContent-Length: 9";
  EXPECT_EQ(frame_request(request).state, State::incomplete);
  EXPECT_EQ(frame_request(request + "\r\n\r\n").state, State::complete);
}

TEST(RequestFraming, LimitsCanBeSmaller) {
  const FramingLimits small{.max_request_line = 24, .max_head = 60, .max_body = 3};
  EXPECT_EQ(frame_request("GET /abcdefghijklmnopqrstuvwxyz HTTP/1.1\r\n\r\n", small).status, 414);
  EXPECT_EQ(frame_request("GET / H\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\n\r\n",
                          small).status,
            431);
  EXPECT_EQ(frame_request("GET / H\r\nContent-Length: 4\r\n\r\n", small).status, 413);
  EXPECT_EQ(frame_request("GET / H\r\nContent-Length: 3\r\n\r\nabc", small).state, State::complete);
}

}  // namespace
}  // namespace pgvigil::http
