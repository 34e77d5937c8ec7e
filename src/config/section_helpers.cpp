#include "config/sections.h"

#include "config/duration.h"
#include "config/value_rules.h"

namespace pgvigil::config {

void read_name(StrictMap& map, std::string& out) {
  if (!map.is_map()) return;
  if (!map.contains("name")) {
    map.context().diag.error(map.self().line, map.path_of("name"), "required key 'name' is missing");
    return;
  }
  std::string name;
  if (!map.read("name", name)) return;
  if (!is_valid_name(name)) {
    map.context().diag.error(map.line_of("name"), map.path_of("name"),
                             "invalid name '" + name + "': " + std::string(kNameRule));
    return;
  }
  out = std::move(name);
}

void read_backoff_bounds(StrictMap& map, std::string_view what, Duration& base, Duration& max) {
  const bool base_ok = map.read("base", base, kPositive) || !map.contains("base");
  const bool max_ok = map.read("max", max, kPositive) || !map.contains("max");
  if (base_ok && max_ok && max < base) {
    const char* key = map.contains("max") ? "max" : "base";
    map.context().diag.error(map.line_of(key), map.path_of(key),
                             std::string(what) + ".max (" + format_duration(max) + ") is less than " +
                                 std::string(what) + ".base (" + format_duration(base) + ")");
  }
}

bool read_readable_path(StrictMap& map, std::string_view key, std::string& out) {
  const bool present = map.contains(key);
  std::string path;
  if (!map.read(key, path)) return present;  // absent, or not a string (already reported)
  if (path.empty()) return false;
  if (auto problem = readable_file_problem(path)) {
    map.context().diag.error(map.line_of(key), map.path_of(key), "file " + path + " " + *problem);
    return true;
  }
  out = std::move(path);
  return true;
}

}  // namespace pgvigil::config
