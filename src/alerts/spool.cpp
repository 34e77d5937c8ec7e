#include "alerts/spool.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>

#include "util/jsonl_file.h"

namespace pgvigil::alerts {
namespace {

using json = nlohmann::json;

// Below this the garbage left by done records is not worth a rewrite.
constexpr std::uint64_t kCompactMinBytes = 64 * 1024;

std::int64_t to_unix_millis(WallTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

WallTime from_unix_millis(std::int64_t millis) {
  return WallTime{} + std::chrono::duration_cast<WallTime::duration>(std::chrono::milliseconds(millis));
}

std::string as_line(const json& record) {
  // A body that is not valid UTF-8 is stored with replacement characters rather than refused.
  return record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string add_record(const Delivery& delivery) {
  return as_line({{"op", "add"},
                  {"id", delivery.id},
                  {"target", delivery.target},
                  {"created_at_ms", to_unix_millis(delivery.created_at)},
                  {"body", delivery.body}});
}

std::string done_record(std::uint64_t id) { return as_line({{"op", "done"}, {"id", id}}); }

// Written first by a compaction, which may leave no add record behind to tell replay where the
// ids had got to.
std::string next_id_record(std::uint64_t next_id) { return as_line({{"op", "next"}, {"id", next_id}}); }

std::string error_text(int error) { return std::generic_category().message(error); }

// write(2) may write less than asked (a signal, a nearly full disk): carry on until all is out.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  if (::fsync(fd) != 0) spdlog::warn("alert spool: cannot sync directory {}: {}", dir, error_text(errno));
  ::close(fd);
}

}  // namespace

Spool::Spool(std::string state_dir, std::uint64_t max_bytes)
    : dir_(std::move(state_dir)),
      path_(dir_.empty() ? std::string() : (std::filesystem::path(dir_) / kFileName).string()),
      max_bytes_(max_bytes) {
  std::lock_guard lock(mutex_);
  if (dir_.empty()) {
    durable_ = false;
    return;
  }
  if (const std::string error = ensure_private_dir(dir_); !error.empty()) {
    durable_ = false;
    spdlog::error("alert spool: cannot create state_dir {}: {}; undelivered notifications are kept in memory only "
                  "and are lost on restart",
                  dir_, error);
    return;
  }
  replay();
  maybe_compact_locked();
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::replay() {
  std::error_code ec;
  if (std::filesystem::exists(path_, ec) && !std::filesystem::is_regular_file(path_, ec)) {
    give_up_on_file_locked("it is not a regular file");
    return;
  }
  std::string contents;
  try {
    std::ifstream in(path_, std::ios::binary);
    contents.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    give_up_on_file_locked(std::string("cannot read it: ") + e.what());
    return;
  }
  std::size_t position = 0;
  std::size_t valid_end = 0;
  std::size_t unreadable = 0;
  while (position < contents.size()) {
    const std::size_t newline = contents.find('\n', position);
    if (newline == std::string::npos) {
      spdlog::warn("alert spool {}: ignoring an incomplete last record ({} bytes), left by a stop in the middle of "
                   "a write",
                   path_, contents.size() - position);
      break;
    }
    const std::string_view line(contents.data() + position, newline - position);
    position = newline + 1;
    valid_end = position;
    const json record = json::parse(line, nullptr, false);
    try {
      if (record.is_discarded() || !record.is_object()) throw std::runtime_error("not a JSON object");
      const std::string op = record.at("op").get<std::string>();
      const auto id = record.at("id").get<std::uint64_t>();
      if (op == "add") {
        Entry entry{{id, record.at("target").get<std::string>(), record.at("body").get<std::string>(),
                     from_unix_millis(record.at("created_at_ms").get<std::int64_t>())},
                    std::string(line) + "\n"};
        next_id_ = std::max(next_id_, id + 1);
        if (pending_.contains(id)) continue;
        by_target_[entry.delivery.target].insert(id);
        live_bytes_ += entry.line.size();
        pending_.emplace(id, std::move(entry));
      } else if (op == "done") {
        if (auto found = pending_.find(id); found != pending_.end()) {
          live_bytes_ -= found->second.line.size();
          auto target = by_target_.find(found->second.delivery.target);
          target->second.erase(id);
          if (target->second.empty()) by_target_.erase(target);
          pending_.erase(found);
        }
      } else if (op == "next") {
        next_id_ = std::max(next_id_, id);
      } else {
        throw std::runtime_error("unknown op");
      }
    } catch (const std::exception&) {
      ++unreadable;
    }
  }
  if (unreadable > 0) spdlog::warn("alert spool {}: skipped {} unreadable record(s)", path_, unreadable);
  if (!pending_.empty()) {
    spdlog::info("alert spool {}: {} undelivered notification(s) from before the restart", path_, pending_.size());
  }

  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    give_up_on_file_locked("cannot open it: " + error_text(errno));
    return;
  }
  // New records must start on a line of their own, not glued to a torn one.
  if (valid_end < contents.size() && ::ftruncate(fd_, static_cast<off_t>(valid_end)) != 0) {
    give_up_on_file_locked("cannot cut off its incomplete last record: " + error_text(errno));
    return;
  }
  file_bytes_ = valid_end;
}

void Spool::give_up_on_file_locked(const std::string& why) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  file_bytes_ = 0;
  if (!durable_) return;  // said so already
  durable_ = false;
  spdlog::error("alert spool {}: {}; undelivered notifications are kept in memory only from now on and are lost on "
                "restart",
                path_, why);
}

// Plain write(2) and fdatasync(2) rather than a stream: a record must be on disk before the caller
// is told it is spooled (a crash right after submit() must not lose the notification), and
// streams offer no way to sync. fdatasync suffices: it flushes the data and the file size, only
// timestamps are left to later.
void Spool::append_locked(const std::string& records) {
  if (fd_ < 0 || records.empty()) return;
  if (!write_all(fd_, records)) {
    give_up_on_file_locked("cannot write: " + error_text(errno));
    return;
  }
  file_bytes_ += records.size();
  if (::fdatasync(fd_) != 0) give_up_on_file_locked("cannot sync: " + error_text(errno));
}

void Spool::drop_locked(std::uint64_t id, std::string& records) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  live_bytes_ -= found->second.line.size();
  auto target = by_target_.find(found->second.delivery.target);
  target->second.erase(id);
  if (target->second.empty()) by_target_.erase(target);
  pending_.erase(found);
  records += done_record(id);
}

std::uint64_t Spool::add(std::string target, std::string body, WallTime created_at) {
  std::lock_guard lock(mutex_);
  Entry entry{{next_id_++, std::move(target), std::move(body), created_at}, {}};
  entry.line = add_record(entry.delivery);
  const std::uint64_t id = entry.delivery.id;

  std::string records;
  std::size_t dropped = 0;
  while (!pending_.empty() && live_bytes_ + entry.line.size() > max_bytes_) {
    const Delivery& oldest = pending_.begin()->second.delivery;
    ++dropped_by_target_[oldest.target];
    ++dropped_total_;
    ++dropped;
    drop_locked(oldest.id, records);
  }
  if (dropped > 0) {
    spdlog::warn("alert spool is full (alerts.spool_max_bytes {} bytes): dropped the {} oldest undelivered "
                 "notification(s)",
                 max_bytes_, dropped);
  }

  records += entry.line;
  live_bytes_ += entry.line.size();
  by_target_[entry.delivery.target].insert(id);
  pending_.emplace(id, std::move(entry));
  append_locked(records);
  maybe_compact_locked();
  return id;
}

void Spool::done(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::string records;
  drop_locked(id, records);
  append_locked(records);
  maybe_compact_locked();
}

std::size_t Spool::drop_target(std::string_view target) {
  std::lock_guard lock(mutex_);
  auto found = by_target_.find(target);
  if (found == by_target_.end()) return 0;
  const std::set<std::uint64_t> ids = found->second;  // drop_locked() erases from the original
  std::string records;
  for (const std::uint64_t id : ids) drop_locked(id, records);
  dropped_by_target_[std::string(target)] += ids.size();
  dropped_total_ += ids.size();
  append_locked(records);
  maybe_compact_locked();
  return ids.size();
}

void Spool::maybe_compact_locked() {
  if (fd_ < 0 || file_bytes_ <= kCompactMinBytes || file_bytes_ <= 2 * live_bytes_) return;
  if (file_bytes_ < no_compaction_below_) return;
  if (!compact_locked()) no_compaction_below_ = file_bytes_ + kCompactMinBytes;  // not again at every record
}

// Write the live records to a new file and rename it over the old one: at every instant the path
// holds either the complete old log or the complete new one.
bool Spool::compact_locked() {
  const std::string temp = path_ + ".tmp";
  std::string contents = next_id_record(next_id_);
  for (const auto& [id, entry] : pending_) contents += entry.line;

  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    spdlog::warn("alert spool: cannot compact into {}: {}", temp, error_text(errno));
    return false;
  }
  const bool written = write_all(fd, contents) && ::fsync(fd) == 0;
  const int write_error = errno;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path_.c_str()) != 0) {
    spdlog::warn("alert spool: cannot compact {}: {}", path_, error_text(written ? errno : write_error));
    ::unlink(temp.c_str());
    return false;
  }
  // The rename is only durable once the directory entry is.
  sync_directory(dir_);

  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    give_up_on_file_locked("cannot reopen it after compaction: " + error_text(errno));
    return true;
  }
  spdlog::debug("alert spool {}: compacted from {} to {} bytes", path_, file_bytes_, contents.size());
  file_bytes_ = contents.size();
  no_compaction_below_ = 0;
  return true;
}

std::optional<Delivery> Spool::next(std::string_view target) const {
  std::lock_guard lock(mutex_);
  auto found = by_target_.find(target);
  if (found == by_target_.end() || found->second.empty()) return std::nullopt;
  return pending_.at(*found->second.begin()).delivery;
}

std::size_t Spool::pending_count() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::size_t Spool::pending_count(std::string_view target) const {
  std::lock_guard lock(mutex_);
  auto found = by_target_.find(target);
  return found == by_target_.end() ? 0 : found->second.size();
}

std::vector<std::string> Spool::pending_targets() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> targets;
  for (const auto& [target, ids] : by_target_) targets.push_back(target);
  return targets;
}

std::uint64_t Spool::dropped_total() const {
  std::lock_guard lock(mutex_);
  return dropped_total_;
}

std::map<std::string, std::uint64_t, std::less<>> Spool::dropped_by_target() const {
  std::lock_guard lock(mutex_);
  return dropped_by_target_;
}

std::uint64_t Spool::bytes() const {
  std::lock_guard lock(mutex_);
  return file_bytes_;
}

std::uint64_t Spool::live_bytes() const {
  std::lock_guard lock(mutex_);
  return live_bytes_;
}

bool Spool::durable() const {
  std::lock_guard lock(mutex_);
  return durable_;
}

}  // namespace pgvigil::alerts
