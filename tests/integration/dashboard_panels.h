// Reading the Grafana dashboards shipped in dashboards/: the files, their panels (those nested in
// rows included), every query a panel runs, and a query with the template variables replaced the
// way Grafana does before it sends the query to Prometheus. Pure functions over JSON documents,
// so the substitution itself can be unit-tested.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgvigil::acceptance {

struct PanelQuery {
  int panel_id = 0;
  std::string panel_title;
  std::string ref_id;
  std::string expr;
};

struct Substituted {
  std::string text;
  std::vector<std::string> unknown;  // variables without a value, left as written
};

// The dashboards' JSON files, sorted by name.
inline std::vector<std::filesystem::path> dashboard_files(const std::filesystem::path& source_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir / "dashboards")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  return files;
}

// Every panel of the dashboard, rows and the panels a row holds (a collapsed row keeps its panels
// inside itself rather than in the top-level list) included.
inline std::vector<nlohmann::json> all_panels(const nlohmann::json& dashboard) {
  std::vector<nlohmann::json> panels;
  if (!dashboard.is_object() || !dashboard.contains("panels")) return panels;
  for (const auto& panel : dashboard["panels"]) {
    panels.push_back(panel);
    if (!panel.is_object() || !panel.contains("panels")) continue;
    for (const auto& nested : panel["panels"]) panels.push_back(nested);
  }
  return panels;
}

// The PromQL of every target of every panel, in the dashboard's order.
inline std::vector<PanelQuery> panel_queries(const nlohmann::json& dashboard) {
  std::vector<PanelQuery> queries;
  for (const auto& panel : all_panels(dashboard)) {
    if (!panel.is_object() || !panel.contains("targets")) continue;
    for (const auto& target : panel["targets"]) {
      if (!target.is_object() || !target.contains("expr")) continue;
      queries.push_back(PanelQuery{panel.value("id", 0), panel.value("title", ""), target.value("refId", ""),
                                   target["expr"].get<std::string>()});
    }
  }
  return queries;
}

// The dashboard's template variable `name`; null when it has none of that name.
inline nlohmann::json template_variable(const nlohmann::json& dashboard, const std::string& name) {
  if (!dashboard.is_object() || !dashboard.contains("templating")) return nullptr;
  for (const auto& variable : dashboard["templating"].value("list", nlohmann::json::array())) {
    if (variable.value("name", "") == name) return variable;
  }
  return nullptr;
}

// Replaces $name, ${name} and ${name:format} with values[name]. A name runs as far as letters,
// digits and underscores go, so $__range never matches inside $__rate_interval; a "$" not
// followed by a name (the end anchor of a regular expression) stays as it is.
inline Substituted substitute_variables(std::string_view text, const std::map<std::string, std::string>& values) {
  const auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  Substituted out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out.text += text[i];
      continue;
    }
    std::string name;
    std::size_t end = i + 1;  // one past the reference
    if (end < text.size() && text[end] == '{') {
      const std::size_t close = text.find('}', end);
      if (close == std::string_view::npos) {
        out.text += text[i];
        continue;
      }
      name = std::string(text.substr(end + 1, close - end - 1));
      name = name.substr(0, name.find(':'));  // the format only changes how multiple values are joined
      end = close + 1;
    } else {
      while (end < text.size() && is_name_char(text[end])) name += text[end++];
    }
    if (name.empty()) {
      out.text += text[i];
      continue;
    }
    const auto value = values.find(name);
    if (value == values.end()) {
      out.unknown.push_back(name);
      out.text += text.substr(i, end - i);
    } else {
      out.text += value->second;
    }
    i = end - 1;
  }
  return out;
}

}  // namespace pgvigil::acceptance
