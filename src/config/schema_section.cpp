// clusters[].schema: what the schema check expects of the application database. Names go into
// SQL text, so each is checked here against a strict alphabet; relations are stored
// schema-qualified, an unqualified name meaning public (not the monitoring role's search_path,
// which need not be the application's).
#include <array>
#include <filesystem>
#include <set>
#include <system_error>

#include "config/sections.h"
#include "config/value_rules.h"

namespace pgvigil::config {
namespace {

constexpr std::array<std::pair<std::string_view, SchemaSeverity>, 2> kSeverities = {{
    {"warning", SchemaSeverity::warning}, {"critical", SchemaSeverity::critical}}};

// The catalogs are cheap to read, but more often than this buys nothing.
constexpr Duration kMinInterval = std::chrono::seconds(1);

std::string qualified(std::string name) {
  return name.find('.') == std::string::npos ? "public." + name : name;
}

// A list of names, each valid by `valid` (else an error at its line saying `rule`), qualified
// when `relations`; a name given twice is an error too. `out` changes only when all are valid.
void read_names(StrictMap& map, std::string_view key, bool relations, std::vector<std::string>& out) {
  auto field = map.take(key);
  if (!field) return;
  LoadContext& ctx = map.context();
  auto items = read_list(*field, ctx);
  if (!items) return;
  std::vector<std::string> names;
  std::set<std::string> seen;
  bool ok = true;
  for (const auto& item : *items) {
    auto text = read_string(item, ctx);
    if (!text) {
      ok = false;
      continue;
    }
    if (relations ? !is_relation_name(*text) : !is_extension_name(*text)) {
      ctx.diag.error(item.line, item.path,
                     relations ? "invalid name '" + *text + "': expected name or schema.name (letters, digits, _)"
                               : "invalid extension name '" + *text + "': expected letters, digits, _ and -");
      ok = false;
      continue;
    }
    std::string name = relations ? qualified(std::move(*text)) : std::move(*text);
    if (!seen.insert(name).second) {
      ctx.diag.error(item.line, item.path, "'" + name + "' is listed twice");
      ok = false;
      continue;
    }
    names.push_back(std::move(name));
  }
  if (ok) out = std::move(names);
}

// The directory is read again at every run of the check, where a problem becomes a reason; here
// a typo is caught before the daemon starts.
void read_migrations_dir(StrictMap& map, std::string& out) {
  std::string dir;
  if (!map.read("migrations_dir", dir) || dir.empty()) return;
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  std::string problem;
  if (status.type() == std::filesystem::file_type::not_found) {
    problem = "does not exist";
  } else if (ec) {
    problem = "cannot be read: " + ec.message();
  } else if (!std::filesystem::is_directory(status)) {
    problem = "is not a directory";
  }
  if (!problem.empty()) {
    map.context().diag.error(map.line_of("migrations_dir"), map.path_of("migrations_dir"),
                             "directory " + dir + " " + problem);
    return;
  }
  out = std::move(dir);
}

}  // namespace

void load_schema(const Field& field, LoadContext& ctx, SchemaConfig& out) {
  StrictMap map(field, ctx);
  map.read("interval", out.interval, kMinInterval);
  map.read_choice<SchemaSeverity>("severity", kSeverities, out.severity);
  read_names(map, "required_extensions", false, out.required_extensions);
  read_names(map, "required_tables", true, out.required_tables);
  read_names(map, "required_indexes", true, out.required_indexes);
  read_migrations_dir(map, out.migrations_dir);
  std::string history_table;
  if (map.read("history_table", history_table)) {
    if (is_relation_name(history_table)) {
      out.history_table = qualified(std::move(history_table));
      out.history_table_set = true;
    } else {
      ctx.diag.error(map.line_of("history_table"), map.path_of("history_table"),
                     "invalid table name '" + history_table + "': expected name or schema.name (letters, digits, _)");
    }
  }
  map.read("other_tools", out.other_tools);
  map.reject_unknown_keys();
}

}  // namespace pgvigil::config
