// Assembles the metric families of one exposition, in first-use order, so that callers can walk
// a snapshot member by member and still produce each family's samples together (the text format
// requires that). A family with no samples is never produced. Not thread-safe: one writer per
// collection, used by one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
struct MetricFamily;
}

namespace pgvigil::metrics {

enum class MetricKind { gauge, counter };

// What a family is. Names and help texts are string literals that live for the whole program.
struct FamilySpec {
  std::string_view name;
  std::string_view help;  // one line, no backslashes: the text format leaves HELP unescaped
  MetricKind kind = MetricKind::gauge;
};

constexpr FamilySpec counter(std::string_view name, std::string_view help) {
  return {name, help, MetricKind::counter};
}

struct Label {
  std::string_view name;
  std::string value;
};
using Labels = std::vector<Label>;

class FamilyWriter {
 public:
  // Appends families to `out`, which must outlive the writer.
  explicit FamilyWriter(std::vector<prometheus::MetricFamily>& out);

  void add(const FamilySpec& family, Labels labels, double value);

 private:
  std::vector<prometheus::MetricFamily>& out_;
  std::map<std::string_view, std::size_t, std::less<>> index_;  // family name → position in out_
};

double flag(bool on);  // booleans are exported as 0/1 gauges

}  // namespace pgvigil::metrics
