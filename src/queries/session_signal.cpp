#include "queries/session_signal.h"

#include <array>
#include <string>

namespace pgvigil::queries {

SignalOutcome send_signal(db::Connection& session, CancelAction action, BackendPid pid, db::Millis timeout) {
  const std::string_view sql = action == CancelAction::terminate
                                   ? "SELECT pg_catalog.pg_terminate_backend($1::int) AS signalled"
                                   : "SELECT pg_catalog.pg_cancel_backend($1::int) AS signalled";
  const std::array<db::Param, 1> params{std::to_string(pid)};
  SignalOutcome outcome;
  outcome.executed = true;
  auto result = session.query(sql, params, timeout);
  if (!result) {
    outcome.error = result.error().to_string();
    return outcome;
  }
  outcome.result = result->get_bool(0, "signalled");
  if (!outcome.result) outcome.error = "the server returned no answer";
  return outcome;
}

}  // namespace pgvigil::queries
