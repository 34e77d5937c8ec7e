#include "migrate/advisory_lock.h"

#include <bit>
#include <charconv>
#include <string>
#include <thread>
#include <vector>

#include "util/sha256.h"

namespace pgvigil::migrate {
namespace {

constexpr db::Millis kLockQueryTimeout{10'000};
constexpr db::Millis kPollInterval{250};

// pg_locks shows a bigint advisory key as classid (high half) and objid (low half), objsubid 1.
std::optional<int> lock_holder(db::Connection& conn, std::int64_t key) {
  const auto bits = std::bit_cast<std::uint64_t>(key);
  const std::vector<db::Param> params{std::to_string(bits >> 32), std::to_string(bits & 0xFFFF'FFFFu)};
  auto result = conn.query(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid"
      " AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      params, kLockQueryTimeout);
  if (!result || result->rows() == 0) return std::nullopt;
  const auto pid = result->get_int(0, "pid");
  if (!pid) return std::nullopt;
  return static_cast<int>(*pid);
}

}  // namespace

std::int64_t advisory_lock_key(std::string_view qualified_table) {
  const std::string digest = sha256_hex(std::string("pgvigil migrate ") + std::string(qualified_table));
  std::uint64_t bits = 0;
  std::from_chars(digest.data(), digest.data() + 16, bits, 16);
  return std::bit_cast<std::int64_t>(bits);
}

std::expected<LockOutcome, db::Error> acquire_advisory_lock(db::Connection& conn, std::int64_t key,
                                                            std::chrono::milliseconds wait,
                                                            const std::function<void(std::optional<int>)>& on_wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const std::vector<db::Param> params{std::to_string(key)};
  for (bool first = true;; first = false) {
    auto result = conn.query("SELECT pg_try_advisory_lock($1::bigint) AS locked", params, kLockQueryTimeout);
    if (!result) return std::unexpected(result.error());
    if (result->get_bool(0, "locked").value_or(false)) return LockOutcome::acquired;
    if (first && on_wait) on_wait(lock_holder(conn, key));
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return LockOutcome::timed_out;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kPollInterval, deadline - now));
  }
}

std::expected<void, db::Error> release_advisory_lock(db::Connection& conn, std::int64_t key) {
  const std::vector<db::Param> params{std::to_string(key)};
  auto result = conn.query("SELECT pg_advisory_unlock($1::bigint)", params, kLockQueryTimeout);
  if (!result) return std::unexpected(result.error());
  return {};
}

}  // namespace pgvigil::migrate
