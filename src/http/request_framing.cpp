#include "http/request_framing.h"

#include <charconv>
#include <optional>

namespace pgvigil::http {
namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

Framing refused(int status, std::string_view reason) {
  return {.state = Framing::State::refused, .status = status, .reason = reason};
}

// Every line of the head ends in CRLF, with no CR or LF anywhere else. A head that a proxy in
// front could split differently (a bare LF or CR ends a line for some parsers, not for others)
// is how requests get smuggled: refuse it rather than guess.
bool strict_line_ends(std::string_view head) {
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n')) return false;
    if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) return false;
  }
  return true;
}

// What the headers say about the body, or why they are refused.
struct BodyHeaders {
  std::optional<std::size_t> length;
  bool coded = false;  // any Transfer-Encoding
  bool expects_continue = false;
  std::optional<Framing> refusal;
};

BodyHeaders body_headers(std::string_view headers, std::size_t max_line) {
  BodyHeaders out;
  while (!headers.empty()) {
    const std::size_t end = headers.find("\r\n");
    const std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 2);
    if (line.size() + 2 > max_line) {
      out.refusal = refused(431, "request header field too large");
      return out;
    }
    const std::size_t colon = line.find(':');
    // A folded line (starting with a blank), a line without a name, or a blank before the colon:
    // RFC 9112 says reject them, since readers disagree on what they mean.
    if (colon == std::string_view::npos || colon == 0 || blank(line.front()) || blank(line[colon - 1])) {
      out.refusal = refused(400, "malformed header line");
      return out;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trimmed(line.substr(colon + 1));
    if (equals_ignoring_case(name, "Transfer-Encoding")) {
      out.coded = true;
    } else if (equals_ignoring_case(name, "Expect")) {
      out.expects_continue = equals_ignoring_case(value, "100-continue");
    } else if (equals_ignoring_case(name, "Content-Length")) {
      std::size_t length = 0;
      const auto [at, error] = std::from_chars(value.data(), value.data() + value.size(), length);
      const bool whole = !value.empty() && error == std::errc{} && at == value.data() + value.size();
      // Two lengths that disagree are how requests get smuggled past a proxy: refuse them.
      if (!whole || (out.length && *out.length != length)) {
        out.refusal = refused(400, "malformed Content-Length");
        return out;
      }
      out.length = length;
    }
  }
  return out;
}

}  // namespace

Framing frame_request(std::string_view received, const FramingLimits& limits) {
  // The line counts with its line end, as the request parser behind counts it.
  const std::size_t line_end = received.find('\n');
  if ((line_end == std::string_view::npos ? received.size() : line_end) >= limits.max_request_line) {
    return refused(414, "request line too long");
  }
  const std::size_t head_end = received.find(kHeadEnd);
  if (head_end == std::string_view::npos) {
    if (received.size() > limits.max_head) return refused(431, "request header fields too large");
    return {};
  }
  const std::size_t head_size = head_end + kHeadEnd.size();
  if (head_size > limits.max_head) return refused(431, "request header fields too large");
  if (!strict_line_ends(received.substr(0, head_size))) return refused(400, "a line of the head does not end in CRLF");

  // The header lines: after the request line, up to and with the last one's line end.
  const std::size_t headers_begin = line_end + 1;
  const std::size_t headers_end = head_end + 2;
  const BodyHeaders body = body_headers(
      headers_end > headers_begin ? received.substr(headers_begin, headers_end - headers_begin) : std::string_view{},
      limits.max_request_line);
  if (body.refusal) return *body.refusal;
  if (body.coded) return refused(411, "send the body with a Content-Length");
  const std::size_t length = body.length.value_or(0);
  if (length > limits.max_body) return refused(413, "request body too large");
  if (received.size() - head_size < length) {
    // "100 Continue" is for HTTP/1.1 clients only (RFC 9110).
    const bool http11 = received.substr(0, line_end).ends_with(" HTTP/1.1\r");
    return {.expects_continue = body.expects_continue && http11};
  }
  return {.state = Framing::State::complete, .size = head_size + length};
}

}  // namespace pgvigil::http
