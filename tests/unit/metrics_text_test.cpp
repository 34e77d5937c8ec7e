// The hand-written per-request families must read exactly as prometheus-cpp's TextSerializer
// writes the same family, down to the last digit, or a scrape would mix two number formats.
#include <gtest/gtest.h>

#include <prometheus/client_metric.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "metrics/exposition_text.h"

namespace pgvigil::metrics {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

const std::vector<double> kValues{0.0,     -0.0,     1.0,         5.5,    -3.25,  0.1 + 0.2, 1.0 / 3,  2.0 / 3e9,
                                  1e-7,    123e-20,  11325.0,     1e15,   1e16,   1.234567890123456789e17,
                                  9.007199254740993e15, 1.7976931348623157e308, 5e-324, kInfinity,   -kInfinity,
                                  std::numeric_limits<double>::quiet_NaN()};

std::string serialized(const prometheus::MetricFamily& family) {
  return prometheus::TextSerializer().Serialize({family});
}

prometheus::MetricFamily one_sample_family(const FamilySpec& spec, double value) {
  prometheus::ClientMetric sample;
  const bool is_counter = spec.kind == MetricKind::counter;
  (is_counter ? sample.counter.value : sample.gauge.value) = value;
  return {std::string(spec.name), std::string(spec.help),
          is_counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge,
          {sample}};
}

TEST(MetricsText, GaugesReadAsTheSerializerWritesThem) {
  constexpr FamilySpec gauge{"pgvigil_test_value", "A value to format."};
  for (const double value : kValues) {
    std::string text;
    append_family(text, gauge, value);
    EXPECT_EQ(text, serialized(one_sample_family(gauge, value))) << value;
  }
}

TEST(MetricsText, CountersReadAsTheSerializerWritesThem) {
  constexpr FamilySpec total = counter("pgvigil_test_total", "A count to format.");
  for (const double value : {0.0, 1.0, 4096.0, 1e15, 1e16, 123456789012345678.0}) {
    std::string text;
    append_family(text, total, value);
    EXPECT_EQ(text, serialized(one_sample_family(total, value))) << value;
  }
}

TEST(MetricsText, EmptyHelpLeavesOutTheHelpLine) {
  constexpr FamilySpec bare{"pgvigil_test_bare", ""};
  std::string text;
  append_family(text, bare, 2);
  EXPECT_EQ(text, "# TYPE pgvigil_test_bare gauge\npgvigil_test_bare 2\n");
  EXPECT_EQ(text, serialized(one_sample_family(bare, 2)));
}

TEST(MetricsText, CollectedHistogramReadsAsTheSerializerWritesIt) {
  prometheus::Histogram histogram({0.0005, 0.001, 0.0025, 0.1, 1.0});
  for (const double seconds : {0.000123456789, 0.0007, 1.0 / 3, 0.0025, 7.5}) histogram.Observe(seconds);
  const prometheus::ClientMetric collected = histogram.Collect();

  std::string text;
  append_histogram_family(text, "pgvigil_test_seconds", "Times to format.", collected);
  EXPECT_EQ(text, serialized({"pgvigil_test_seconds", "Times to format.", prometheus::MetricType::Histogram,
                              {collected}}));
  EXPECT_NE(text.find("pgvigil_test_seconds_bucket{le=\"+Inf\"} 5\n"), std::string::npos) << text;
}

TEST(MetricsText, HistogramWithoutAnInfiniteBucketGetsOne) {
  prometheus::ClientMetric sample;
  sample.histogram.sample_count = std::uint64_t{1} << 40;
  sample.histogram.sample_sum = 1e-9;
  sample.histogram.bucket = {{.cumulative_count = 3, .upper_bound = 0.25}, {.cumulative_count = 4, .upper_bound = 1e20}};

  std::string text;
  append_histogram_family(text, "pgvigil_test_seconds", "Times to format.", sample);
  EXPECT_EQ(text, serialized({"pgvigil_test_seconds", "Times to format.", prometheus::MetricType::Histogram,
                              {sample}}));
}

TEST(MetricsText, NumbersAppendToWhatIsThere) {
  std::string text = "x ";
  append_number(text, std::uint64_t{18446744073709551615U});
  text += ' ';
  append_number(text, 0.5);
  EXPECT_EQ(text, "x 18446744073709551615 0.5");
}

}  // namespace
}  // namespace pgvigil::metrics
