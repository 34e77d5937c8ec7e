// Shared by the packaging tests (systemd unit, install rules, Dockerfile): the shipped files read
// from the source tree, the unit's [Service] settings, the Dockerfile's instructions by stage,
// and the fenced shell blocks of a README section.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "subprocess.h"

namespace pgvigil::packaging {

namespace fs = std::filesystem;

inline fs::path source_path(const std::string& relative) { return fs::path(PGVIGIL_SOURCE_DIR) / relative; }
inline std::string read_source(const std::string& relative) { return testing::read_file(source_path(relative)); }

inline std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// systemd unit

// Every `Key=value` of one section, in order; a key may repeat (ExecReload=, SystemCallFilter=).
inline std::multimap<std::string, std::string> unit_section(const std::string& unit_text, const std::string& section) {
  std::multimap<std::string, std::string> settings;
  std::string current;
  for (const auto& raw : lines_of(unit_text)) {
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      current = line.substr(1, line.size() - 2);
    } else if (current == section && line.find('=') != std::string::npos) {
      const auto eq = line.find('=');
      settings.emplace(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
  }
  return settings;
}

inline std::vector<std::string> values_of(const std::multimap<std::string, std::string>& settings,
                                          const std::string& key) {
  std::vector<std::string> values;
  for (auto [it, end] = settings.equal_range(key); it != end; ++it) values.push_back(it->second);
  return values;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, COPY, ...
  std::string args;     // continuation lines joined with single spaces
  int stage = -1;       // index of the FROM it follows
};

// Instructions of a Dockerfile: comments dropped, backslash continuations joined.
inline std::vector<Instruction> dockerfile_instructions(const std::string& text) {
  std::vector<Instruction> out;
  std::string pending;
  int stage = -1;
  auto flush = [&] {
    const std::string logical = trim(pending);
    pending.clear();
    if (logical.empty()) return;
    const auto space = logical.find_first_of(" \t");
    Instruction instruction{logical.substr(0, space), space == std::string::npos ? "" : trim(logical.substr(space)), 0};
    std::transform(instruction.keyword.begin(), instruction.keyword.end(), instruction.keyword.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (instruction.keyword == "FROM") ++stage;
    instruction.stage = stage;
    out.push_back(instruction);
  };
  for (const auto& raw : lines_of(text)) {
    const std::string line = trim(raw);
    if (line.starts_with("#")) continue;  // comments may sit inside a continued instruction
    if (line.ends_with("\\")) {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    pending += line;
    flush();
  }
  flush();
  return out;
}

inline std::vector<Instruction> stage_instructions(const std::vector<Instruction>& all, int stage,
                                                   const std::string& keyword) {
  std::vector<Instruction> out;
  for (const auto& instruction : all) {
    if (instruction.stage == stage && instruction.keyword == keyword) out.push_back(instruction);
  }
  return out;
}

inline int last_stage(const std::vector<Instruction>& all) { return all.empty() ? -1 : all.back().stage; }

// ---------------------------------------------------------------------------------------------
// README

// The text under `heading` (a whole line such as "### Docker") up to the next heading of the
// same or a higher level; empty if there is no such heading.
inline std::string markdown_section(const std::string& text, const std::string& heading) {
  const auto level = heading.find_first_not_of('#');
  std::string section;
  bool inside = false;
  bool in_fence = false;
  for (const auto& line : lines_of(text)) {
    if (line.starts_with("```")) in_fence = !in_fence;
    if (!in_fence && line.starts_with("#")) {
      const auto line_level = line.find_first_not_of('#');
      if (inside && line_level <= level) break;
      if (line == heading) {
        inside = true;
        continue;
      }
    }
    if (inside) section += line + "\n";
  }
  return section;
}

// The lines of each ```sh block in `markdown`, trailing comments (`  # ...`) removed.
inline std::vector<std::vector<std::string>> shell_blocks(const std::string& markdown) {
  std::vector<std::vector<std::string>> blocks;
  bool inside = false;
  for (const auto& line : lines_of(markdown)) {
    if (!inside && line.starts_with("```sh")) {
      inside = true;
      blocks.emplace_back();
    } else if (inside && line.starts_with("```")) {
      inside = false;
    } else if (inside) {
      const auto comment = line.find("  #");
      const std::string command = trim(comment == std::string::npos ? line : line.substr(0, comment));
      if (!command.empty()) blocks.back().push_back(command);
    }
  }
  return blocks;
}

}  // namespace pgvigil::packaging
