#include "util/jsonl_file.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <system_error>

namespace pgvigil {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string ensure_private_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return {};
  if (!fs::create_directories(dir, ec) && ec) return ec.message();
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return ec.message();
  return {};
}

JsonLinesFile::JsonLinesFile(Options options)
    : options_(std::move(options)), path_((fs::path(options_.dir) / options_.file_name).string()) {}

JsonLinesFile::~JsonLinesFile() {
  if (logger_) logger_->flush();
}

bool JsonLinesFile::open() {
  if (logger_) return true;
  if (unavailable_) return false;
  unavailable_ = true;  // until proven otherwise: a failure is reported once, not at every write
  if (const std::string error = ensure_private_dir(options_.dir); !error.empty()) {
    spdlog::error("cannot create state_dir {}: {}; {} is not written to {}: {}", options_.dir, error, options_.what,
                  path_, options_.fallback);
    return false;
  }
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path_, options_.max_file_bytes,
                                                                       options_.rotated_files);
    logger_ = std::make_shared<spdlog::logger>(options_.file_name, std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    spdlog::error("cannot open {} {}: {}; {}", options_.what, path_, e.what(), options_.fallback);
    return false;
  }
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);
  // A full disk fails every write: say so once, not once per line.
  logger_->set_error_handler([what = options_.what, path = path_,
                              reported = std::make_shared<std::atomic<bool>>(false)](const std::string& message) {
    if (!reported->exchange(true)) spdlog::error("cannot write {} {}: {}", what, path, message);
  });
  unavailable_ = false;
  return true;
}

void JsonLinesFile::write(std::string_view line) {
  if (!open()) return;
  logger_->info(line);
}

}  // namespace pgvigil
