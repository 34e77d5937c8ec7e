// Assembles the metric families of one exposition, in first-use order, so that callers can walk
// a snapshot member by member and still produce each family's samples together (the text format
// requires that). A family with no samples is never produced. Not thread-safe: one writer per
// collection, used by one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
struct MetricFamily;
}

namespace pgvigil::metrics {

enum class MetricKind { gauge, counter, histogram };

// What a family is. Names and help texts are string literals that live for the whole program.
struct FamilySpec {
  std::string_view name;
  std::string_view help;  // one line, no backslashes: the text format leaves HELP unescaped
  MetricKind kind = MetricKind::gauge;
};

constexpr FamilySpec counter(std::string_view name, std::string_view help) {
  return {name, help, MetricKind::counter};
}

constexpr FamilySpec histogram(std::string_view name, std::string_view help) {
  return {name, help, MetricKind::histogram};
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
  // A histogram sample: `counts` holds how many observations fell at or below each of `bounds`
  // and above the previous one (not cumulative), plus one last slot for those above them all.
  void add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                     std::span<const std::uint64_t> counts, double sum);

 private:
  prometheus::MetricFamily& family_of(const FamilySpec& family);

  std::vector<prometheus::MetricFamily>& out_;
  std::map<std::string_view, std::size_t, std::less<>> index_;  // family name → position in out_
};

double flag(bool on);  // booleans are exported as 0/1 gauges

}  // namespace pgvigil::metrics
