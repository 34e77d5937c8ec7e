#include "migrate/create_files.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace pgvigil::migrate {
namespace {

namespace fs = std::filesystem;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// "x": fails when the file exists, so a concurrent create or a stray file is never overwritten.
std::expected<void, std::string> write_new_file(const fs::path& path, const std::string& text) {
  std::unique_ptr<std::FILE, FileCloser> file{std::fopen(path.c_str(), "wx")};
  if (!file) return std::unexpected(fmt::format("{}: {}", path.string(), std::strerror(errno)));
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
    return std::unexpected(fmt::format("{}: write failed", path.string()));
  }
  if (std::fclose(file.release()) != 0) return std::unexpected(fmt::format("{}: write failed", path.string()));
  return {};
}

}  // namespace

std::int64_t next_version(const std::vector<MigrationFile>& files) {
  std::int64_t highest = 0;
  for (const auto& file : files) highest = std::max(highest, file.version);
  return highest + 1;
}

std::string new_file_template(std::int64_t version, std::string_view name, Direction direction) {
  if (direction == Direction::up) {
    return fmt::format(
        "-- Migration {} ({}): up.\n"
        "-- Runs in one transaction together with its history row. Statements that cannot run in a\n"
        "-- transaction (CREATE INDEX CONCURRENTLY) need the no-transaction header: see the README.\n"
        "\n",
        version, name);
  }
  return fmt::format(
      "-- Migration {} ({}): down. Undoes what the up file did, for `pgvigil migrate down`.\n"
      "\n",
      version, name);
}

std::expected<CreatedFiles, std::string> create_migration(const fs::path& dir, std::string_view name) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return std::unexpected(fmt::format("{}: {}", dir.string(), error.message()));
  auto files = read_migration_dir(dir);
  if (!files) return std::unexpected(files.error());
  const std::int64_t version = next_version(*files);
  CreatedFiles created{dir / migration_file_name(version, name, Direction::up),
                       dir / migration_file_name(version, name, Direction::down)};
  if (auto written = write_new_file(created.up, new_file_template(version, name, Direction::up)); !written) {
    return std::unexpected(written.error());
  }
  if (auto written = write_new_file(created.down, new_file_template(version, name, Direction::down)); !written) {
    fs::remove(created.up, error);  // not half a pair
    return std::unexpected(written.error());
  }
  return created;
}

}  // namespace pgvigil::migrate
