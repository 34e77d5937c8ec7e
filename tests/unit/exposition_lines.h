// A Prometheus exposition split into its lines, for the metrics tests to match lines against.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace pgvigil::metrics {

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace pgvigil::metrics
