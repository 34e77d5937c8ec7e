// Reads the rows of the activity poll (activity_sql.h) into an ActivityPoll. The parsing works on
// plain text, one optional value per column in ActivityColumn order, so it can be tested without
// a server; read_activity_poll() maps a libpq result onto that by column name.
//
// A row that cannot be read (a pid or timestamp that is not a number) is left out of the poll and
// counted: a session the policy does not see is a session it leaves alone, which is the safe
// side. A row without a readable server_now_us makes the whole poll an error: no age could be
// trusted. No session rows (no session other than the poller's, or only idle ones) is an empty
// poll, which judges nothing and lets the tracker forget every session.
// The summary row (the one with `sessions`) is no session: it is read into ReadPoll::sessions,
// and when its json cannot be read that is left empty (the health cycle then scans for itself)
// while the poll goes on as before.
#pragma once

#include <array>
#include <cstddef>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/result.h"
#include "health/observations.h"
#include "queries/session_activity.h"

namespace pgvigil::queries {

enum class ActivityColumn : std::size_t {
  server_now_us,
  pid,
  backend_start_us,
  xact_start_us,
  query_start_us,
  state_change_us,
  state,
  backend_type,
  wait_event_type,
  usename,
  datname,
  application_name,
  client_addr,
  rolsuper,
  query,
  blocked_by,
  in_maintenance,
  sessions,
};

// The column names of activity_sql(), in ActivityColumn order, which is the statement's order.
inline constexpr std::array<std::string_view, 18> kActivityColumns{
    "server_now_us", "pid",          "backend_start_us", "xact_start_us",   "query_start_us", "state_change_us",
    "state",         "backend_type", "wait_event_type",  "usename",         "datname",        "application_name",
    "client_addr",   "rolsuper",     "query",            "blocked_by",      "in_maintenance", "sessions"};

// One row as text; nullopt is SQL NULL.
using ActivityRow = std::array<std::optional<std::string_view>, kActivityColumns.size()>;

struct ReadPoll {
  ActivityPoll poll{};
  std::size_t unreadable_rows = 0;
  // The session checks' readings from the summary row, at poll.server_now; empty without one.
  std::optional<health::SessionObservations> sessions{};
};

// "12,0,40" → {12, 0, 40}; "" → {}. nullopt when an element is not an int4.
std::optional<std::vector<BackendPid>> parse_pid_list(std::string_view text);

// One session; an error names the column that could not be read.
std::expected<SessionActivity, std::string> parse_activity_row(const ActivityRow& row);

// Every row, in order; server_now from the first (it is the same on every row).
std::expected<ReadPoll, std::string> parse_activity_rows(std::span<const ActivityRow> rows);

// The same from a result of activity_sql(); an error when a column is missing.
std::expected<ReadPoll, std::string> read_activity_poll(const db::Result& result);

}  // namespace pgvigil::queries
