#include "metrics/exposition_text.h"

#include <prometheus/client_metric.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace pgvigil::metrics {
namespace {

// The serializer streams doubles with this precision in the default float format, which is what
// to_chars' general format with the same precision produces.
constexpr int kDoubleDigits = std::numeric_limits<double>::max_digits10 - 1;

template <typename Number, typename... Format>
void append_chars(std::string& text, Number value, Format... format) {
  char buffer[32];  // a double's 16 digits, sign, point and exponent fit with room to spare
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, format...);
  text.append(buffer, written.ptr);
}

void append_header(std::string& text, std::string_view name, std::string_view help, std::string_view type) {
  if (!help.empty()) {
    text.append("# HELP ").append(name).append(" ").append(help).append("\n");
  }
  text.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

void append_number(std::string& text, double value) {
  if (std::isnan(value)) {
    text.append("Nan");
  } else if (std::isinf(value)) {
    text.append(value < 0 ? "-Inf" : "+Inf");
  } else {
    append_chars(text, value, std::chars_format::general, kDoubleDigits);
  }
}

void append_number(std::string& text, std::uint64_t value) { append_chars(text, value); }

void append_header(std::string& text, const FamilySpec& family) {
  std::string_view type = "gauge";
  if (family.kind == MetricKind::counter) type = "counter";
  if (family.kind == MetricKind::histogram) type = "histogram";
  append_header(text, family.name, family.help, type);
}

void append_family(std::string& text, const FamilySpec& family, double value) {
  append_header(text, family);
  text.append(family.name).append(" ");
  append_number(text, value);
  text.append("\n");
}

void append_histogram_family(std::string& text, std::string_view name, std::string_view help,
                             const prometheus::ClientMetric& histogram) {
  const auto& values = histogram.histogram;
  append_header(text, name, help, "histogram");
  text.append(name).append("_count ");
  append_number(text, values.sample_count);
  text.append("\n").append(name).append("_sum ");
  append_number(text, values.sample_sum);
  text.append("\n");
  double last_bound = -std::numeric_limits<double>::infinity();
  for (const auto& bucket : values.bucket) {
    text.append(name).append("_bucket{le=\"");
    append_number(text, bucket.upper_bound);
    text.append("\"} ");
    append_number(text, bucket.cumulative_count);
    text.append("\n");
    last_bound = bucket.upper_bound;
  }
  // The serializer closes with a +Inf bucket when the collected ones do not end with it.
  if (last_bound != std::numeric_limits<double>::infinity()) {
    text.append(name).append("_bucket{le=\"+Inf\"} ");
    append_number(text, values.sample_count);
    text.append("\n");
  }
}

}  // namespace pgvigil::metrics
