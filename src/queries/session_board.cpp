#include "queries/session_board.h"

namespace pgvigil::queries {

std::chrono::nanoseconds session_post_limit(std::chrono::nanoseconds activity_interval,
                                            std::chrono::nanoseconds query_timeout) {
  return 2 * activity_interval + query_timeout;
}

bool is_fresh(const SessionPost& post, SteadyTime now, std::chrono::nanoseconds limit) {
  return now - post.sent <= limit;
}

void SessionBoard::post(const std::string& member, const pool::ConnectionPool* source, SessionPost post) {
  std::lock_guard lock(mutex_);
  posts_.insert_or_assign(Key{member, source}, std::move(post));
}

void SessionBoard::withdraw(const std::string& member, const pool::ConnectionPool* source) {
  std::lock_guard lock(mutex_);
  posts_.erase(Key{member, source});
}

std::optional<SessionPost> SessionBoard::fresh(const std::string& member, const pool::ConnectionPool* source,
                                               SteadyTime now, std::chrono::nanoseconds limit) const {
  std::lock_guard lock(mutex_);
  const auto found = posts_.find(Key{member, source});
  if (found == posts_.end() || !is_fresh(found->second, now, limit)) return std::nullopt;
  return found->second;
}

}  // namespace pgvigil::queries
