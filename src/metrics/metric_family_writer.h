// Where the family writers (snapshot_families.h) put their samples: a FamilyWriter takes samples
// of any family in any order and keeps each family's samples together (the text format requires
// that), families in first-use order, so that callers can walk a snapshot member by member. A
// family with no samples is never produced. Two kinds: FamilyCollector builds
// prometheus-cpp MetricFamily values (the reference any text must equal), FamilyTextWriter
// (family_text_writer.h) writes the text itself. Not thread-safe: one writer per collection, used
// by one thread.
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
  virtual ~FamilyWriter() = default;

  virtual void add(const FamilySpec& family, Labels labels, double value) = 0;
  // A histogram sample: `counts` holds how many observations fell at or below each of `bounds`
  // and above the previous one (not cumulative), plus one last slot for those above them all.
  virtual void add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                             std::span<const std::uint64_t> counts, double sum) = 0;
};

// Collects samples as prometheus-cpp MetricFamily values, for its TextSerializer.
class FamilyCollector final : public FamilyWriter {
 public:
  // Appends families to `out`, which must outlive the collector.
  explicit FamilyCollector(std::vector<prometheus::MetricFamily>& out);

  void add(const FamilySpec& family, Labels labels, double value) override;
  void add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                     std::span<const std::uint64_t> counts, double sum) override;

 private:
  prometheus::MetricFamily& family_of(const FamilySpec& family);

  std::vector<prometheus::MetricFamily>& out_;
  std::map<std::string_view, std::size_t, std::less<>> index_;  // family name → position in out_
};

double flag(bool on);  // booleans are exported as 0/1 gauges

}  // namespace pgvigil::metrics
