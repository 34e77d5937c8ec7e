#include "metrics/family_merge.h"

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/exposition_text.h"

namespace pgvigil::metrics {
namespace {

// One family of the result and where its samples are, part by part.
struct Run {
  const FamilySpec* family;
  std::vector<const std::string*> samples;
};

// The same spec: every FamilySpec's name is a literal, so a shared address is a shared name.
bool same_literal(const FamilySpec& a, const FamilySpec& b) {
  return a.name.data() == b.name.data() && a.name.size() == b.name.size();
}

}  // namespace

void append_merged(std::string& text, std::span<const FamilyTexts* const> parts) {
  std::vector<Run> runs;
  std::unordered_map<std::string_view, std::size_t> index;  // family name → position in runs
  std::size_t bytes = 0;
  for (const FamilyTexts* part : parts) {
    // Parts mostly list the same families in the same order: guessing that the next family is
    // the run after the last one spares a hash of its name, the bulk of the work in a fleet.
    std::size_t guess = 0;
    for (const FamilyText& family : *part) {
      std::size_t at = guess;
      if (at >= runs.size() || !same_literal(*runs[at].family, family.family)) {
        const auto [it, created] = index.try_emplace(family.family.name, runs.size());
        if (created) runs.push_back({&family.family, {}});
        at = it->second;
      }
      runs[at].samples.push_back(&family.samples);
      bytes += family.samples.size();
      guess = at + 1;
    }
  }
  // Headers are about a hundred bytes each; reserving once spares the text its regrowth copies.
  text.reserve(text.size() + bytes + runs.size() * 128);
  for (const Run& run : runs) {
    append_header(text, *run.family);
    for (const std::string* samples : run.samples) text.append(*samples);
  }
}

}  // namespace pgvigil::metrics
