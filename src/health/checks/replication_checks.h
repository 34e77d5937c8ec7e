// Replication: a replica's lag (bytes and seconds, where an idle primary is not lag), streaming
// and paused replay; replication slots and the WAL they retain; the size of pg_wal; archiving.
#pragma once

#include "health/checks/check.h"
#include "health/checks/judge.h"

namespace pgvigil::health {

// Whether a replica has replayed all the primary had written when this cycle read its position,
// or, streaming, all it has received.
bool caught_up(const Observations& obs);

// The replica's view of its lag. Bytes: the primary's position (read just before this cycle) less
// the replay position, or received less replayed when the primary is unknown. Seconds: zero when
// caught up (whatever pg_last_xact_replay_timestamp() says on an idle primary), else the age of the
// last replayed transaction or the time since the replica was last seen caught up, the smaller.
ReplicationView replication_view(const Observations& obs);

extern const std::string_view kSlotsSql;
extern const std::string_view kWalSql;
extern const std::string_view kArchiverSql;

void parse_slots(const nlohmann::json& j, Observations& out);
void parse_wal(const nlohmann::json& j, Observations& out);
void parse_archiver(const nlohmann::json& j, Observations& out);

void evaluate_replication_lag(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_slots(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_wal(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_archiver(const Observations& obs, const CheckContext& ctx, Evaluation& out);

}  // namespace pgvigil::health
