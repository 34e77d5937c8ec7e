#include "config/loader.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "config/sections.h"

namespace pgvigil::config {
namespace {

void load_clusters(const Field& field, LoadContext& ctx, std::vector<ClusterConfig>& out) {
  auto items = read_list(field, ctx);
  if (!items) return;
  if (items->empty()) {
    ctx.diag.error(field.line, field.path, "at least one cluster is needed");
    return;
  }
  std::map<std::string, int> first_line_of_name;
  for (const auto& item : *items) {
    ClusterConfig cluster;
    load_cluster(item, ctx, cluster);
    if (cluster.name.empty()) continue;  // missing or invalid, already reported
    const int line = line_of(item.node["name"], item.line);
    auto [first, inserted] = first_line_of_name.emplace(cluster.name, line);
    if (!inserted) {
      ctx.diag.error(line, item.path + ".name",
                     "duplicate cluster name '" + cluster.name + "' (first defined at line " +
                         std::to_string(first->second) + ")");
      continue;
    }
    out.push_back(std::move(cluster));
  }
}

void load_root(const YAML::Node& root, LoadContext& ctx, Config& config) {
  StrictMap map(Field{root, "", line_of(root, 1)}, ctx);
  if (!map.is_map()) return;
  if (auto daemon = map.take("daemon")) load_daemon(*daemon, ctx, config.daemon);
  if (auto http = map.take("http")) load_http(*http, ctx, config.http);
  if (auto clusters = map.take("clusters")) {
    load_clusters(*clusters, ctx, config.clusters);
  } else {
    ctx.diag.error(map.self().line, "clusters", "required key 'clusters' is missing");
  }
  // After the clusters, so that sinks can be checked against their names.
  if (auto alerts = map.take("alerts")) load_alerts(*alerts, ctx, config.clusters, config.alerts);
  map.reject_unknown_keys();
}

LoadOutcome load_document(std::string_view yaml, const std::string& source_name, Diagnostics& diag) {
  LoadContext ctx{diag, process_environment()};
  LoadResult result;
  result.config.source = source_name;
  const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml));
  if (documents.empty() || documents.front().IsNull()) {
    diag.error(0, "", "the config is empty");
  } else if (documents.size() > 1) {
    diag.error(line_of(documents[1], 0), "", "only one YAML document is allowed; found " +
                                                 std::to_string(documents.size()));
  } else {
    load_root(documents.front(), ctx, result.config);
  }
  if (diag.has_errors()) return std::unexpected(diag.take_errors());
  result.warnings = diag.take_warnings();
  return result;
}

}  // namespace

LoadOutcome load_config_string(std::string_view yaml, const std::string& source_name) {
  Diagnostics diag(source_name);
  // yaml-cpp reports syntax errors by throwing; nothing past this function may throw.
  try {
    return load_document(yaml, source_name, diag);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    diag.error(line, "", "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    diag.error(0, "", std::string("cannot load the config: ") + e.what());
  }
  return std::unexpected(diag.take_errors());
}

LoadOutcome load_config_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return LoadOutcome(std::unexpect, std::vector{ConfigError{path, 0, "", "cannot read config file " + path + ": " + why}});
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::error_code(errno, std::generic_category()).message());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(std::error_code(errno, std::generic_category()).message());
  return load_config_string(text.str(), path);
}

}  // namespace pgvigil::config
