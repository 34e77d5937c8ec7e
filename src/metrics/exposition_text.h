// Writes label-free families straight into an exposition, byte for byte as prometheus-cpp's
// TextSerializer would write them (same HELP/TYPE lines, same number formatting), for the few
// families whose values change with every request: going through MetricFamily vectors and the
// serializer's ostream would cost more than everything else a scrape does. Pure functions; any
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "metrics/metric_family_writer.h"

namespace prometheus {
struct ClientMetric;
}

namespace pgvigil::metrics {

// As the serializer writes numbers: a double as printf's %.16g would, NaN and infinities spelled
// as Prometheus reads them; a count as plain digits.
void append_number(std::string& text, double value);
void append_number(std::string& text, std::uint64_t value);

// "# HELP name help" (unless the help is empty) and "# TYPE name kind" lines, each ending in a
// newline: what the serializer writes before a family's samples.
void append_header(std::string& text, const FamilySpec& family);

// A gauge or counter family of one sample without labels.
void append_family(std::string& text, const FamilySpec& family, double value);

// A histogram family of one label-free histogram; `histogram` is what prometheus::Histogram's
// Collect() returns.
void append_histogram_family(std::string& text, std::string_view name, std::string_view help,
                             const prometheus::ClientMetric& histogram);

}  // namespace pgvigil::metrics
