// The slow-query log: JSON lines appended to <state_dir>/slow-queries.jsonl, rotated by size
// (at 16 MiB the file becomes slow-queries.1.jsonl, the older ones move up to .4, the oldest
// goes), so the log never takes more than 80 MiB. The directory is created (0700) and the file
// opened at the first write, so a run that records no interval (--once) leaves nothing behind.
// When the directory or the file cannot be created or written, one error naming the path is
// logged and the lines are dropped: the in-memory history, /queries and the metrics carry on.
// Not thread-safe: the caller serialises writes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace pgvigil::queries {

class SlowQueryLog {
 public:
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
  static constexpr std::size_t kRotatedFiles = 4;
  static constexpr const char* kFileName = "slow-queries.jsonl";

  explicit SlowQueryLog(std::string state_dir);
  ~SlowQueryLog();
  SlowQueryLog(const SlowQueryLog&) = delete;
  SlowQueryLog& operator=(const SlowQueryLog&) = delete;

  // Appends each line (without its newline) and flushes, so a reader sees whole intervals.
  void write(const std::vector<std::string>& lines);

  const std::string& path() const { return path_; }
  bool unavailable() const { return unavailable_; }  // gave up on the file; memory only

 private:
  bool open();

  std::string dir_;
  std::string path_;
  std::shared_ptr<spdlog::logger> logger_;
  bool unavailable_ = false;
};

}  // namespace pgvigil::queries
