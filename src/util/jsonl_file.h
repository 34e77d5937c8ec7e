// An append-only file of JSON lines in the daemon's state_dir, rotated by size through spdlog's
// rotating sink (at max_file_bytes the file becomes <stem>.1.jsonl, older ones move up to
// <stem>.<rotated_files>.jsonl, the oldest goes), so it never takes more than
// max_file_bytes * (rotated_files + 1). Every line is flushed at once: a reader (or a crash) sees
// whole records.
//
// The directory is created with mode 0700 when missing: what goes in it (query texts) is for the
// daemon's owner only. When the directory or the file cannot be created or written, one error
// naming the path is logged and the lines are dropped; the caller's in-memory state is
// unaffected. Not thread-safe: the caller serialises open() and write().
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace pgvigil {

// Creates `dir` (and its parents) with mode 0700 unless it is a directory already. An empty
// string on success, else why not.
std::string ensure_private_dir(const std::string& dir);

class JsonLinesFile {
 public:
  struct Options {
    std::string dir;
    std::string file_name;  // e.g. "actions.jsonl"
    std::size_t max_file_bytes = 16 * 1024 * 1024;
    std::size_t rotated_files = 4;
    std::string what;      // for messages: "the action audit"
    std::string fallback;  // for messages: "actions are kept in memory only (GET /actions)"
  };

  explicit JsonLinesFile(Options options);
  ~JsonLinesFile();
  JsonLinesFile(const JsonLinesFile&) = delete;
  JsonLinesFile& operator=(const JsonLinesFile&) = delete;

  // Creates the directory and opens the file, once; later calls say how that went. write()
  // calls it, so a file nobody writes to is never created unless open() is called first.
  bool open();
  // Appends one line (without its newline) and flushes.
  void write(std::string_view line);

  const std::string& path() const { return path_; }
  bool unavailable() const { return unavailable_; }  // gave up on the file: lines are dropped

 private:
  Options options_;
  std::string path_;
  std::shared_ptr<spdlog::logger> logger_;
  bool unavailable_ = false;
};

}  // namespace pgvigil
