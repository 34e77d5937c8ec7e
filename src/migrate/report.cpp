#include "migrate/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace pgvigil::migrate {
namespace {

constexpr std::size_t kColumns = 5;
using Row = std::array<std::string, kColumns>;

Row row_of(const StatusEntry& entry) {
  Row row{std::to_string(entry.version), entry.name, std::string(to_string(entry.state)), "-", "-"};
  if (entry.row) {
    row[3] = entry.row->applied_at;
    row[4] = fmt::format("{} ms", entry.row->execution_ms);
  }
  return row;
}

}  // namespace

std::string format_status(const std::vector<StatusEntry>& status) {
  if (status.empty()) return "no migrations\n";
  std::vector<Row> rows{Row{"VERSION", "NAME", "STATE", "APPLIED_AT", "EXECUTION"}};
  for (const auto& entry : status) rows.push_back(row_of(entry));
  std::array<std::size_t, kColumns> widths{};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < kColumns; ++c) {
      line += c + 1 < kColumns ? fmt::format("{:<{}}  ", row[c], widths[c]) : row[c];
    }
    out += line + "\n";
  }
  return out;
}

std::string format_verify(const std::vector<StatusEntry>& status) {
  std::string out;
  std::size_t applied = 0;
  std::size_t problems = 0;
  for (const auto& entry : status) {
    switch (entry.state) {
      case MigrationState::applied: ++applied; continue;
      case MigrationState::checksum_mismatch:
        out += fmt::format("checksum mismatch: {} changed since it was applied (recorded {}, file {})\n", up_file_name(entry),
                           entry.row->checksum.substr(0, 12), entry.file->checksum.substr(0, 12));
        break;
      case MigrationState::file_missing:
        out += fmt::format("file missing: {} is applied but not in the directory\n", up_file_name(entry));
        break;
      case MigrationState::failed:
        // The recorded error usually starts with the file's name already ("0003_x.up.sql:4: ERROR: ...").
        out += entry.row->error.starts_with(up_file_name(entry))
                   ? fmt::format("failed: {}\n", entry.row->error)
                   : fmt::format("failed: {}: {}\n", up_file_name(entry), entry.row->error);
        break;
      case MigrationState::pending: out += fmt::format("pending: {}\n", up_file_name(entry)); break;
    }
    ++problems;
  }
  if (problems == 0) {
    return fmt::format("OK: {} migration{} applied; the directory and the database agree\n", applied,
                       applied == 1 ? "" : "s");
  }
  return out + fmt::format("{} difference{} between the directory and the database\n", problems,
                           problems == 1 ? "" : "s");
}

}  // namespace pgvigil::migrate
