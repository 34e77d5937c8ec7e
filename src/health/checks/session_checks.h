// Checks over pg_stat_activity and pg_prepared_xacts: connections, long_running,
// idle_in_transaction, prepared_xacts. The daemon's own sessions are always left out.
#pragma once

#include <string>
#include <string_view>

#include "health/checks/check.h"
#include "health/checks/judge.h"

namespace pgvigil::health {

// The other clients' sessions, as a common table expression named client_sessions that the
// session checks' SQL reads.
extern const std::string_view kClientSessionsCte;
// The same over `relation`, a common table expression with pg_stat_activity's columns (the
// activity poll's own scan) instead of the view.
std::string client_sessions_cte(std::string_view relation);
extern const std::string_view kConnectionsSql;
extern const std::string_view kLongRunningSql;
extern const std::string_view kIdleInTransactionSql;
extern const std::string_view kPreparedXactsSql;

void parse_connections(const nlohmann::json& j, Observations& out);
void parse_long_running(const nlohmann::json& j, Observations& out);
void parse_idle_in_transaction(const nlohmann::json& j, Observations& out);
void parse_prepared_xacts(const nlohmann::json& j, Observations& out);

// The session checks' fields of `obs`, as the parsers above filled them.
SessionObservations session_part(const Observations& obs);

// Each session check's `adopt` (check.h): the fields its parser fills, from another reading.
void adopt_connections(const SessionObservations& from, Observations& out);
void adopt_long_running(const SessionObservations& from, Observations& out);
void adopt_idle_in_transaction(const SessionObservations& from, Observations& out);

void evaluate_connections(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_long_running(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_idle_in_transaction(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_prepared_xacts(const Observations& obs, const CheckContext& ctx, Evaluation& out);

}  // namespace pgvigil::health
