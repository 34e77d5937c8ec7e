// A FamilyWriter that writes Prometheus text straight away, family by family, without going
// through MetricFamily values and the serializer's ostream: the parts of an exposition that are
// cached on their own (a cluster's fragment, the daemon-wide families) are written with it and
// then joined. Each sample line is byte for byte what prometheus-cpp's TextSerializer writes for
// the same sample (same label escaping, same number formatting); the tests hold it to that. Not
// thread-safe: one writer per part, used by one thread; what it wrote is plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metric_family_writer.h"

namespace pgvigil::metrics {

// One family's samples as text, without the family's HELP and TYPE lines, so that the samples of
// several parts can be put under one header (family_merge.h).
struct FamilyText {
  FamilySpec family;    // whose samples these are; its name and help live for the whole program
  std::string samples;  // the sample lines, each ending in a newline
};

// The families of one part of an exposition, in first-use order, each once.
using FamilyTexts = std::vector<FamilyText>;

class FamilyTextWriter final : public FamilyWriter {
 public:
  // Appends families to `out`, which must outlive the writer.
  explicit FamilyTextWriter(FamilyTexts& out);

  void add(const FamilySpec& family, Labels labels, double value) override;
  void add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                     std::span<const std::uint64_t> counts, double sum) override;

 private:
  std::string& samples_of(const FamilySpec& family);

  FamilyTexts& out_;
  std::map<std::string_view, std::size_t, std::less<>> index_;  // family name → position in out_
};

// Each family of `families` in full: its header, then its samples.
void append_families(std::string& text, const FamilyTexts& families);

}  // namespace pgvigil::metrics
