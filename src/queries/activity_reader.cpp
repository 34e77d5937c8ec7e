#include "queries/activity_reader.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "health/checks/check.h"

namespace pgvigil::queries {
namespace {

using Column = ActivityColumn;

std::optional<std::string_view> at(const ActivityRow& row, Column column) {
  return row[static_cast<std::size_t>(column)];
}

std::string_view name_of(Column column) { return kActivityColumns[static_cast<std::size_t>(column)]; }

template <class Int>
std::optional<Int> parse_int(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

WallTime from_epoch_micros(std::int64_t micros) { return WallTime{} + std::chrono::microseconds(micros); }

std::string unreadable(Column column, std::string_view text) {
  return fmt::format("column {} is not readable: \"{}\"", name_of(column), text.substr(0, 40));
}

// A nullable timestamp column: NULL is "none", anything else must be a number.
std::expected<std::optional<WallTime>, std::string> timestamp(const ActivityRow& row, Column column) {
  const auto text = at(row, column);
  if (!text) return std::optional<WallTime>{};
  const auto micros = parse_int<std::int64_t>(*text);
  if (!micros) return std::unexpected(unreadable(column, *text));
  return std::optional<WallTime>{from_epoch_micros(*micros)};
}

std::string text_of(const ActivityRow& row, Column column) { return std::string(at(row, column).value_or("")); }

bool flag_of(const ActivityRow& row, Column column) { return at(row, column).value_or("f") == "t"; }

// The summary row's json; nullopt when it is not an object (the health cycle then scans itself).
std::optional<health::SessionObservations> read_sessions(std::string_view text, std::int64_t server_now_us) {
  const auto summary = nlohmann::json::parse(text, nullptr, false);
  if (!summary.is_object()) return std::nullopt;
  return health::read_session_summary(summary, static_cast<double>(server_now_us) / 1e6);
}

}  // namespace

std::optional<std::vector<BackendPid>> parse_pid_list(std::string_view text) {
  std::vector<BackendPid> pids;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto pid = parse_int<BackendPid>(text.substr(0, comma));
    if (!pid) return std::nullopt;
    pids.push_back(*pid);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;  // a trailing comma
  }
  return pids;
}

std::expected<SessionActivity, std::string> parse_activity_row(const ActivityRow& row) {
  SessionActivity s;
  if (const auto pid = at(row, Column::pid)) {
    s.pid = parse_int<BackendPid>(*pid);
    if (!s.pid) return std::unexpected(unreadable(Column::pid, *pid));
  }
  const auto backend_start = timestamp(row, Column::backend_start_us);
  const auto xact_start = timestamp(row, Column::xact_start_us);
  const auto query_start = timestamp(row, Column::query_start_us);
  const auto state_change = timestamp(row, Column::state_change_us);
  for (const auto* read : {&backend_start, &xact_start, &query_start, &state_change}) {
    if (!read->has_value()) return std::unexpected(read->error());
  }
  s.backend_start = backend_start->value_or(WallTime{});
  s.xact_start = *xact_start;
  s.query_start = *query_start;
  s.state_change = *state_change;
  s.state = text_of(row, Column::state);
  s.backend_type = text_of(row, Column::backend_type);
  s.wait_event_type = text_of(row, Column::wait_event_type);
  s.usename = text_of(row, Column::usename);
  s.datname = text_of(row, Column::datname);
  s.application_name = text_of(row, Column::application_name);
  s.client_addr = text_of(row, Column::client_addr);
  s.rolsuper = flag_of(row, Column::rolsuper);
  s.query = text_of(row, Column::query);
  if (const auto blocked_by = at(row, Column::blocked_by)) {
    auto pids = parse_pid_list(*blocked_by);
    if (!pids) return std::unexpected(unreadable(Column::blocked_by, *blocked_by));
    s.blocked_by = std::move(*pids);
  }
  return s;
}

std::expected<ReadPoll, std::string> parse_activity_rows(std::span<const ActivityRow> rows) {
  ReadPoll read;
  for (const auto& row : rows) {
    const auto now_text = at(row, Column::server_now_us).value_or("");
    const auto now = parse_int<std::int64_t>(now_text);
    if (!now) return std::unexpected(unreadable(Column::server_now_us, now_text));
    read.poll.server_now = from_epoch_micros(*now);
    if (const auto summary = at(row, Column::sessions)) {
      read.sessions = read_sessions(*summary, *now);
      continue;
    }
    auto session = parse_activity_row(row);
    if (!session) {
      ++read.unreadable_rows;
      continue;
    }
    if (session->pid && flag_of(row, Column::in_maintenance)) read.poll.maintenance_pids.insert(*session->pid);
    read.poll.sessions.push_back(std::move(*session));
  }
  return read;
}

std::expected<ReadPoll, std::string> read_activity_poll(const db::Result& result) {
  std::array<int, kActivityColumns.size()> index{};
  for (std::size_t c = 0; c < kActivityColumns.size(); ++c) {
    index[c] = result.column(kActivityColumns[c]);
    if (index[c] < 0) return std::unexpected(fmt::format("the activity poll has no column {}", kActivityColumns[c]));
  }
  std::vector<ActivityRow> rows(static_cast<std::size_t>(std::max(result.rows(), 0)));
  for (int r = 0; r < result.rows(); ++r) {
    auto& row = rows[static_cast<std::size_t>(r)];
    for (std::size_t c = 0; c < kActivityColumns.size(); ++c) {
      if (!result.is_null(r, index[c])) row[c] = result.text(r, index[c]);
    }
  }
  return parse_activity_rows(rows);
}

}  // namespace pgvigil::queries
