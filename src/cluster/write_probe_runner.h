// Runs the optional write probe on a member's session: on a primary, upserts this member's
// heartbeat row (creating the table on first use when the role may); on a replica, reads the
// newest heartbeat replayed. Failures become observations for the write_probe check, never a
// lost member: reads that worked this cycle still stand.
#pragma once

#include <string>

#include "db/connection.h"
#include "health/observations.h"

namespace pgvigil::cluster {

void run_write_probe(db::Connection& session, const std::string& table, const std::string& member, bool in_recovery,
                     db::Millis timeout, health::Observations& obs);

}  // namespace pgvigil::cluster
