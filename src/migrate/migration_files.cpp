#include "migrate/migration_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "util/sha256.h"

namespace pgvigil::migrate {
namespace {

namespace fs = std::filesystem;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::expected<std::string, std::string> read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("{}: cannot be read", path.string()));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::unexpected(fmt::format("{}: read failed", path.string()));
  return std::move(bytes).str();
}

struct PendingPair {
  std::string name;
  std::optional<fs::path> up;
  std::optional<fs::path> down;
};

}  // namespace

bool is_migration_name(std::string_view name) { return !name.empty() && std::ranges::all_of(name, is_name_char); }

std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name) {
  MigrationFileName parsed;
  std::string_view rest = file_name;
  if (rest.ends_with(".up.sql")) {
    parsed.direction = Direction::up;
    rest.remove_suffix(std::string_view(".up.sql").size());
  } else if (rest.ends_with(".down.sql")) {
    parsed.direction = Direction::down;
    rest.remove_suffix(std::string_view(".down.sql").size());
  } else {
    return std::nullopt;
  }
  const auto underscore = rest.find('_');
  if (underscore == 0 || underscore == std::string_view::npos) return std::nullopt;
  const std::string_view digits = rest.substr(0, underscore);
  if (!std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed.version);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  const std::string_view name = rest.substr(underscore + 1);
  if (!is_migration_name(name)) return std::nullopt;
  parsed.name = std::string(name);
  return parsed;
}

bool declares_no_transaction(std::string_view sql) {
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const auto line_end = std::min(sql.find('\n', pos), sql.size());
    std::string_view line = sql.substr(pos, line_end - pos);
    const auto first = line.find_first_not_of(" \t\r\f\v");
    if (first != std::string_view::npos) {
      line.remove_prefix(first);
      if (!line.starts_with("--")) return false;  // the first statement: the header is over
      if (line.find(kNoTransactionMarker) != std::string_view::npos) return true;
    }
    pos = line_end + 1;
  }
  return false;
}

std::string migration_file_name(std::int64_t version, std::string_view name, Direction direction) {
  return fmt::format("{:04d}_{}.{}.sql", version, name, direction == Direction::up ? "up" : "down");
}

std::expected<std::vector<MigrationFile>, std::string> read_migration_dir(const fs::path& dir) {
  std::error_code error;
  fs::directory_iterator entries(dir, error);
  if (error) return std::unexpected(fmt::format("{}: {}", dir.string(), error.message()));

  // Sorted, so that which of two clashing files is named does not depend on the file system.
  std::vector<fs::path> sql_files;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) return std::unexpected(fmt::format("{}: {}", dir.string(), error.message()));
    if (entries->path().extension() == ".sql") sql_files.push_back(entries->path());
  }
  if (error) return std::unexpected(fmt::format("{}: {}", dir.string(), error.message()));
  std::ranges::sort(sql_files);

  std::map<std::int64_t, PendingPair> pairs;
  for (const fs::path& path : sql_files) {
    const auto parsed = parse_migration_file_name(path.filename().string());
    if (!parsed) {
      return std::unexpected(fmt::format("{}: not a migration file name (expected NNNN_name.up.sql or NNNN_name.down.sql)",
                                         path.string()));
    }
    auto [it, inserted] = pairs.try_emplace(parsed->version, PendingPair{parsed->name, {}, {}});
    PendingPair& pair = it->second;
    if (pair.name != parsed->name) {
      return std::unexpected(
          fmt::format("{}: version {} is already used by '{}'", path.string(), parsed->version, pair.name));
    }
    auto& slot = parsed->direction == Direction::up ? pair.up : pair.down;
    if (slot) {  // 0001_a.up.sql next to 001_a.up.sql
      return std::unexpected(fmt::format("{}: version {} already has {}", path.string(), parsed->version,
                                         slot->filename().string()));
    }
    slot = path;
  }

  std::vector<MigrationFile> migrations;
  migrations.reserve(pairs.size());
  for (auto& [version, pair] : pairs) {
    if (!pair.up) return std::unexpected(fmt::format("{}: has no up file beside it", pair.down->string()));
    auto sql = read_whole_file(*pair.up);
    if (!sql) return std::unexpected(sql.error());
    MigrationFile file;
    file.version = version;
    file.name = std::move(pair.name);
    file.up_path = std::move(*pair.up);
    file.down_path = std::move(pair.down);
    file.checksum = sha256_hex(*sql);
    file.in_transaction = !declares_no_transaction(*sql);
    file.up_sql = std::move(*sql);
    migrations.push_back(std::move(file));
  }
  return migrations;
}

}  // namespace pgvigil::migrate
