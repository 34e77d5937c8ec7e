// A migrations directory as written by people: `NNNN_name.up.sql` and `NNNN_name.down.sql`,
// read into versions with the checksum (SHA-256 of the up file) that history tables record.
// Shared by `pgvigil migrate` and the health monitor's schema check. Pure apart from reading the
// directory; safe from any thread.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgvigil::migrate {

enum class Direction { up, down };

struct MigrationFileName {
  std::int64_t version = 0;
  std::string name;  // the part between the version and the direction, e.g. "create_users"
  Direction direction = Direction::up;

  bool operator==(const MigrationFileName&) const = default;
};

// A migration's name: letters, digits, '_' and '-', at least one.
bool is_migration_name(std::string_view name);

// "0007_add_index.up.sql" -> {7, "add_index", up}. Anything else (another extension, no
// version, an empty name, a version that does not fit 63 bits) is nullopt.
std::optional<MigrationFileName> parse_migration_file_name(std::string_view file_name);

// The header line that keeps a migration out of a transaction, for statements PostgreSQL refuses
// to run inside one (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before 12, VACUUM).
inline constexpr std::string_view kNoTransactionMarker = "pgvigil:no-transaction";

// True when a `--` comment among the file's leading comments and blank lines (before its first
// statement) contains kNoTransactionMarker. A marker further down is an ordinary comment.
bool declares_no_transaction(std::string_view sql);

struct MigrationFile {
  std::int64_t version = 0;
  std::string name;
  std::filesystem::path up_path;
  std::optional<std::filesystem::path> down_path;
  std::string up_sql;    // the up file's bytes, exactly as checksummed
  std::string checksum;  // sha256_hex(up_sql)
  bool in_transaction = true;
};

// Every migration in `dir`, ascending by version. Files that are not `.sql` are ignored (a
// README may live there); a `.sql` file whose name does not follow the pattern, two files for the
// same version and direction (or one version under two names), and a down file without its up
// file are errors that name the file, because running around them would apply the wrong thing.
std::expected<std::vector<MigrationFile>, std::string> read_migration_dir(const std::filesystem::path& dir);

// The file name a new migration gets: the version zero-padded to four digits or more.
std::string migration_file_name(std::int64_t version, std::string_view name, Direction direction);

}  // namespace pgvigil::migrate
