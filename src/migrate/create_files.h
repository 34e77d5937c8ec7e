// `pgvigil migrate create NAME`: the next version's pair of empty files with a short comment
// saying what goes where. Touches no database.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration_files.h"

namespace pgvigil::migrate {

// One past the highest version in the directory; 1 for an empty one.
std::int64_t next_version(const std::vector<MigrationFile>& files);

// The comment a new file starts with. Neither carries the no-transaction header.
std::string new_file_template(std::int64_t version, std::string_view name, Direction direction);

struct CreatedFiles {
  std::filesystem::path up;
  std::filesystem::path down;
};

// Creates `dir` if needed, then both files; never overwrites one. The error names the path.
std::expected<CreatedFiles, std::string> create_migration(const std::filesystem::path& dir, std::string_view name);

}  // namespace pgvigil::migrate
