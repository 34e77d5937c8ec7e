#include "http/actions_json.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "queries/action_history.h"

namespace pgvigil::http {

std::expected<std::size_t, std::string> actions_limit(const std::map<std::string, std::string>& query,
                                                      const health::Snapshot& snapshot) {
  const std::size_t capacity = snapshot.actions ? snapshot.actions->capacity : 0;
  const auto it = query.find("limit");
  if (it == query.end()) return std::min(kDefaultActionsLimit, capacity);
  const std::string& text = it->second;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  // from_chars accepts no sign and no spaces; an overflow is still a whole number, just a big one.
  const bool whole = !text.empty() && end == text.data() + text.size() &&
                     (ec == std::errc{} || ec == std::errc::result_out_of_range);
  if (!whole || (ec == std::errc{} && limit == 0)) {
    return std::unexpected(fmt::format("limit must be a whole number from 1 up, not \"{}\"", text.substr(0, 40)));
  }
  if (ec == std::errc::result_out_of_range) return capacity;
  return std::min(limit, capacity);
}

// The records are rendered once, when recorded; an answer only joins them.
std::string actions_json(const health::Snapshot& snapshot, std::size_t limit) {
  const queries::ActionHistory* history = snapshot.actions.get();
  const std::size_t count = history ? std::min(limit, history->recent.size()) : 0;
  std::string body = fmt::format(R"({{"recorded":{},"capacity":{},"count":{},"actions":[)",
                                 history ? history->recorded : 0, history ? history->capacity : 0, count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body += history->recent[i]->json;
  }
  body += "]}";
  return body;
}

}  // namespace pgvigil::http
