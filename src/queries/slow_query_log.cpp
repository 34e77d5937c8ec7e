#include "queries/slow_query_log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <system_error>

namespace pgvigil::queries {
namespace {

namespace fs = std::filesystem;

// A directory of our own holds audit data: nobody else needs to read it.
bool ensure_private_dir(const std::string& dir, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  if (!fs::create_directories(dir, ec) && ec) {
    error = ec.message();
    return false;
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  return true;
}

}  // namespace

SlowQueryLog::SlowQueryLog(std::string state_dir)
    : dir_(std::move(state_dir)), path_((fs::path(dir_) / kFileName).string()) {}

SlowQueryLog::~SlowQueryLog() {
  if (logger_) logger_->flush();
}

bool SlowQueryLog::open() {
  std::string error;
  if (!ensure_private_dir(dir_, error)) {
    spdlog::error("cannot create state_dir {}: {}; the slow-query log is kept in memory only (GET /queries)", dir_,
                  error);
    return false;
  }
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path_, kMaxFileBytes, kRotatedFiles);
    logger_ = std::make_shared<spdlog::logger>("slow-queries", std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    spdlog::error("cannot open the slow-query log {}: {}; it is kept in memory only (GET /queries)", path_, e.what());
    return false;
  }
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);
  // A full disk fails every write: say so once, not once per line.
  logger_->set_error_handler([path = path_, reported = std::make_shared<std::atomic<bool>>(false)](
                                 const std::string& message) {
    if (!reported->exchange(true)) spdlog::error("cannot write the slow-query log {}: {}", path, message);
  });
  return true;
}

void SlowQueryLog::write(const std::vector<std::string>& lines) {
  if (unavailable_ || lines.empty()) return;
  if (!logger_ && !open()) {
    unavailable_ = true;
    return;
  }
  for (const std::string& line : lines) logger_->info(std::string_view(line));
}

}  // namespace pgvigil::queries
