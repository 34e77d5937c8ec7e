#include "queries/packed_interval.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "queries/report_json.h"
#include "util/timestamp_text.h"

namespace pgvigil::queries {
namespace {

using Json = nlohmann::ordered_json;

// The layout of `values`, in order. The JSON size leads so that json_size() reads one varint.
//   varint json size
//   token cluster, token member (JSON literals)
//   svarint start, svarint end (the server's clock, in its duration's ticks)
//   token seconds; byte reset_detected
//   svarint evicted; varint created, restarted, gone, active, slow, omitted; svarint hidden
//   totals: svarint calls; token exec_ms; svarint rows, shared_blks_hit, shared_blks_read,
//           temp_blks_written, wal_bytes
//   varint name count, token name... (the statements' users and databases, once each)
//   varint statement count, then each:
//     byte flags; 8 bytes queryid; varint user, varint database (indexes into the names);
//     svarint calls; token total_ms, mean_ms, max_ms; svarint rows, shared_blks_hit,
//     shared_blks_read, temp_blks_read, temp_blks_written, wal_bytes; its query is the next text
//   varint recommendation count, then each:
//     token kind; byte has queryid; then 8 bytes queryid (its query the next text) or token
//     table; token tail (the message, the evidence and the closing brace)
// A token is a varint length and that many bytes.

constexpr std::uint8_t kTopLevel = 1;
constexpr std::uint8_t kSlow = 2;
constexpr std::uint8_t kTop = 4;
constexpr int kOriginShift = 3;

// Milliseconds to the microsecond, as report_json writes them.
double ms(double value) { return std::round(value * 1000.0) / 1000.0; }

std::string number_token(double value) { return dump_json(Json(value)); }

class Writer {
 public:
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  void svarint(std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value);
    varint((bits << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0));  // zigzag: small magnitudes, few bytes
  }
  void byte(std::uint8_t value) { out_ += static_cast<char>(value); }
  void fixed(std::int64_t value) {
    auto bits = static_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i, bits >>= 8) out_ += static_cast<char>(bits & 0xff);
  }
  void token(std::string_view text) {
    varint(text.size());
    out_ += text;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote. Past the end it reads zeros and empty tokens rather than run off the
// buffer; a packed interval comes only from pack_interval, so that never happens.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; at_ < in_.size() && shift < 64; shift += 7) {
      const auto b = static_cast<std::uint8_t>(in_[at_++]);
      value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    return value;
  }
  std::int64_t svarint() {
    const std::uint64_t bits = varint();
    return static_cast<std::int64_t>((bits >> 1) ^ (~(bits & 1) + 1));
  }
  std::uint8_t byte() { return at_ < in_.size() ? static_cast<std::uint8_t>(in_[at_++]) : 0; }
  std::int64_t fixed() {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(byte()) << (8 * i);
    return static_cast<std::int64_t>(bits);
  }
  std::string_view token() {
    const std::uint64_t size = varint();
    const std::string_view out = in_.substr(std::min<std::size_t>(at_, in_.size()), size);
    at_ += out.size();
    return out;
  }

 private:
  std::string_view in_;
  std::size_t at_ = 0;
};

std::uint8_t flags_of(const ReportedStatement& s) {
  return static_cast<std::uint8_t>((s.toplevel ? kTopLevel : 0) | (s.slow ? kSlow : 0) | (s.top ? kTop : 0) |
                                   (static_cast<unsigned>(s.origin) << kOriginShift));
}

std::string_view origin_name(std::uint8_t flags) {
  switch (static_cast<EntryOrigin>(flags >> kOriginShift)) {
    case EntryOrigin::continued: return "continued";
    case EntryOrigin::created: return "created";
    case EntryOrigin::restarted: return "restarted";
  }
  return "continued";
}

// The statements' users and databases, each once, in the order first met.
class Names {
 public:
  std::size_t index(const std::string& name) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (*names_[i] == name) return i;
    }
    names_.push_back(&name);
    return names_.size() - 1;
  }
  void write(Writer& out) const {
    out.varint(names_.size());
    for (const std::string* name : names_) out.token(json_literal(*name));
  }

 private:
  std::vector<const std::string*> names_;
};

// Writes the JSON, reading `values` in step.
class JsonWriter {
 public:
  JsonWriter(const PackedInterval& packed, std::string& out) : in_(packed.values), texts_(packed.texts), out_(out) {}

  void interval() {
    in_.varint();  // the size, known already
    raw(R"({"cluster":)");
    raw(in_.token());
    raw(R"(,"member":)");
    raw(in_.token());
    raw(R"(,"start":)");
    time();
    raw(R"(,"end":)");
    time();
    raw(R"(,"seconds":)");
    raw(in_.token());
    raw(R"(,"reset_detected":)");
    boolean(in_.byte() != 0);
    raw(R"(,"evicted":)");
    integer(in_.svarint());
    for (const char* name : {R"(,"created":)", R"(,"restarted":)", R"(,"gone":)", R"(,"active":)", R"(,"slow":)",
                             R"(,"omitted":)"}) {
      raw(name);
      unsigned_integer(in_.varint());
    }
    raw(R"(,"hidden":)");
    integer(in_.svarint());
    raw(R"(,"totals":{"calls":)");
    integer(in_.svarint());
    raw(R"(,"exec_ms":)");
    raw(in_.token());
    for (const char* name :
         {R"(,"rows":)", R"(,"shared_blks_hit":)", R"(,"shared_blks_read":)", R"(,"temp_blks_written":)",
          R"(,"wal_bytes":)"}) {
      raw(name);
      integer(in_.svarint());
    }
    raw(R"(},"statements":[)");
    names_.resize(in_.varint());
    for (std::string_view& name : names_) name = in_.token();
    const std::uint64_t statements = in_.varint();
    for (std::uint64_t i = 0; i < statements; ++i) {
      if (i > 0) out_ += ',';
      statement();
    }
    raw(R"(],"recommendations":[)");
    const std::uint64_t recommendations = in_.varint();
    for (std::uint64_t i = 0; i < recommendations; ++i) {
      if (i > 0) out_ += ',';
      recommendation();
    }
    raw("]}");
  }

 private:
  void statement() {
    const std::uint8_t flags = in_.byte();
    raw(R"({"queryid":)");
    queryid(in_.fixed());
    raw(R"(,"user":)");
    raw(name(in_.varint()));
    raw(R"(,"database":)");
    raw(name(in_.varint()));
    raw(R"(,"toplevel":)");
    boolean((flags & kTopLevel) != 0);
    raw(R"(,"slow":)");
    boolean((flags & kSlow) != 0);
    raw(R"(,"top":)");
    boolean((flags & kTop) != 0);
    raw(R"(,"origin":")");
    raw(origin_name(flags));
    raw(R"(","calls":)");
    integer(in_.svarint());
    for (const char* name : {R"(,"total_ms":)", R"(,"mean_ms":)", R"(,"max_ms":)"}) {
      raw(name);
      raw(in_.token());
    }
    for (const char* name : {R"(,"rows":)", R"(,"shared_blks_hit":)", R"(,"shared_blks_read":)",
                             R"(,"temp_blks_read":)", R"(,"temp_blks_written":)", R"(,"wal_bytes":)"}) {
      raw(name);
      integer(in_.svarint());
    }
    raw(R"(,"query":)");
    text();
    out_ += '}';
  }

  void recommendation() {
    raw(R"({"kind":)");
    raw(in_.token());
    if (in_.byte() != 0) {
      raw(R"(,"queryid":)");
      queryid(in_.fixed());
      raw(R"(,"query":)");
      text();
    } else {
      raw(R"(,"table":)");
      raw(in_.token());
    }
    out_ += ',';
    raw(in_.token());
  }

  void raw(std::string_view text) { out_.append(text); }
  void boolean(bool value) { raw(value ? "true" : "false"); }
  void integer(std::int64_t value) {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out_.append(digits.data(), end);
  }
  void unsigned_integer(std::uint64_t value) {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out_.append(digits.data(), end);
  }
  void queryid(std::int64_t value) {
    out_ += '"';
    integer(value);
    out_ += '"';
  }
  void time() {
    const WallTime at{WallTime::duration{in_.svarint()}};
    out_ += '"';
    raw(format_rfc3339_millis(at));
    out_ += '"';
  }
  std::string_view name(std::uint64_t index) const { return index < names_.size() ? names_[index] : R"("")"; }
  void text() { raw(next_text_ < texts_.size() ? std::string_view(*texts_[next_text_++]) : R"("")"); }

  Reader in_;
  const std::vector<SharedLiteral>& texts_;
  std::string& out_;
  std::vector<std::string_view> names_;
  std::size_t next_text_ = 0;
};

void write_statement(Writer& out, const ReportedStatement& s, Names& names) {
  out.byte(flags_of(s));
  out.fixed(s.queryid);
  out.varint(names.index(s.user));
  out.varint(names.index(s.database));
  out.svarint(s.delta.calls);
  out.token(number_token(ms(s.delta.total_exec_time_ms)));
  out.token(number_token(ms(s.mean_exec_time_ms)));
  out.token(s.max_exec_time_ms ? number_token(ms(*s.max_exec_time_ms)) : "null");
  for (const std::int64_t v : {s.delta.rows, s.delta.shared_blks_hit, s.delta.shared_blks_read, s.delta.temp_blks_read,
                               s.delta.temp_blks_written, s.delta.wal_bytes}) {
    out.svarint(v);
  }
}

void write_recommendation(Writer& out, const Recommendation& r, std::vector<SharedLiteral>& texts) {
  out.token(json_literal(r.kind));
  out.byte(r.queryid ? 1 : 0);
  if (r.queryid) {
    out.fixed(*r.queryid);
    texts.push_back(std::make_shared<const std::string>(json_literal(r.query)));
  } else {
    out.token(json_literal(r.table));
  }
  Json evidence = Json::object();
  for (const auto& [name, value] : r.evidence) evidence[name] = value;
  const std::string tail = dump_json(Json{{"message", r.message}, {"evidence", std::move(evidence)}});
  out.token(std::string_view(tail).substr(1));
}

// Everything but the leading size.
std::string body_of(const IntervalReport& report, std::vector<SharedLiteral>& texts) {
  Writer out;
  out.token(json_literal(report.cluster));
  out.token(json_literal(report.member));
  out.svarint(report.start.time_since_epoch().count());
  out.svarint(report.end.time_since_epoch().count());
  out.token(number_token(std::chrono::duration<double>(report.end - report.start).count()));
  out.byte(report.reset_detected ? 1 : 0);
  out.svarint(report.evicted);
  for (const std::size_t v :
       {report.created, report.restarted, report.gone, report.active, report.slow, report.omitted}) {
    out.varint(v);
  }
  out.svarint(report.hidden);
  const IntervalTotals& t = report.totals;
  out.svarint(t.calls);
  out.token(number_token(ms(t.exec_time_ms)));
  for (const std::int64_t v : {t.rows, t.shared_blks_hit, t.shared_blks_read, t.temp_blks_written, t.wal_bytes}) {
    out.svarint(v);
  }
  Names names;
  Writer statements;
  for (const ReportedStatement& s : report.statements) {
    write_statement(statements, s, names);
    texts.push_back(std::make_shared<const std::string>(json_literal(s.query)));
  }
  names.write(out);
  out.varint(report.statements.size());
  std::string body = out.take();
  body += statements.take();
  Writer recommendations;
  recommendations.varint(report.recommendations.size());
  for (const Recommendation& r : report.recommendations) write_recommendation(recommendations, r, texts);
  body += recommendations.take();
  return body;
}

}  // namespace

void PackedInterval::append_json_to(std::string& out) const { JsonWriter(*this, out).interval(); }

std::string PackedInterval::json() const {
  std::string out;
  out.reserve(json_size());
  append_json_to(out);
  return out;
}

std::size_t PackedInterval::json_size() const { return Reader(values).varint(); }

PackedInterval pack_interval(const IntervalReport& report) {
  PackedInterval packed;
  const std::string body = body_of(report, packed.texts);
  packed.values = std::string(1, '\0') + body;  // a size of 0 for now, to measure what it writes
  std::string json;
  packed.append_json_to(json);
  Writer size;
  size.varint(json.size());
  packed.values = size.take() + body;
  packed.values.shrink_to_fit();
  packed.texts.shrink_to_fit();
  return packed;
}

}  // namespace pgvigil::queries
