#include "metrics/family_text_writer.h"

#include <limits>

#include "metrics/exposition_text.h"

namespace pgvigil::metrics {
namespace {

// The serializer escapes backslashes, double quotes and newlines in label values, nothing else.
void append_escaped(std::string& text, std::string_view value) {
  if (value.find_first_of("\\\"\n") == std::string_view::npos) {  // nearly always: names, states, checks
    text.append(value);
    return;
  }
  for (const char c : value) {
    if (c == '\n') {
      text.append("\\n");
      continue;
    }
    if (c == '\\' || c == '"') text.push_back('\\');
    text.push_back(c);
  }
}

void append_label(std::string& text, std::string_view name, std::string_view value, bool first) {
  if (!first) text.push_back(',');
  text.append(name).append("=\"");
  append_escaped(text, value);
  text.push_back('"');
}

// "name_suffix{labels} " without the value; a histogram bucket adds its le="bound" as the last
// label.
void append_head(std::string& text, std::string_view name, std::string_view suffix, const Labels& labels,
                 const double* le = nullptr) {
  text.append(name).append(suffix);
  if (!labels.empty() || le != nullptr) {
    text.push_back('{');
    bool first = true;
    for (const Label& label : labels) {
      append_label(text, label.name, label.value, first);
      first = false;
    }
    if (le != nullptr) {
      if (!first) text.push_back(',');
      text.append("le=\"");
      append_number(text, *le);
      text.push_back('"');
    }
    text.push_back('}');
  }
  text.push_back(' ');
}

}  // namespace

FamilyTextWriter::FamilyTextWriter(FamilyTexts& out) : out_(out) {}

std::string& FamilyTextWriter::samples_of(const FamilySpec& family) {
  auto [it, created] = index_.try_emplace(family.name, out_.size());
  if (created) out_.push_back({family, {}});
  return out_[it->second].samples;
}

void FamilyTextWriter::add(const FamilySpec& family, Labels labels, double value) {
  std::string& text = samples_of(family);
  append_head(text, family.name, "", labels);
  append_number(text, value);
  text.push_back('\n');
}

// As FamilyCollector::add_histogram builds the sample, written as the serializer writes it:
// count, sum, then the cumulative buckets up to +Inf.
void FamilyTextWriter::add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                                     std::span<const std::uint64_t> counts, double sum) {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds.size() && i < counts.size(); ++i) total += counts[i];
  std::string& text = samples_of(family);
  append_head(text, family.name, "_count", labels);
  append_number(text, total);
  text.push_back('\n');
  append_head(text, family.name, "_sum", labels);
  append_number(text, sum);
  text.push_back('\n');
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    const double bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    append_head(text, family.name, "_bucket", labels, &bound);
    append_number(text, cumulative);
    text.push_back('\n');
  }
}

void append_families(std::string& text, const FamilyTexts& families) {
  for (const FamilyText& family : families) {
    append_header(text, family.family);
    text.append(family.samples);
  }
}

}  // namespace pgvigil::metrics
