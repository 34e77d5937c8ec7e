// Joins the families of several parts of an exposition (one per cluster) into one run of
// families, as the text format requires: each family's HELP and TYPE once, then its samples from
// every part that has them, in the parts' order. Families come in order of first use across the
// parts, which is the order one FamilyWriter walking all the parts in turn would have produced, so
// the result is byte for byte what rendering them together gives. Pure; any thread.
#pragma once

#include <span>
#include <string>

#include "metrics/family_text_writer.h"

namespace pgvigil::metrics {

void append_merged(std::string& text, std::span<const FamilyTexts* const> parts);

}  // namespace pgvigil::metrics
