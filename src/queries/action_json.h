// An ActionRecord as one line of JSON: a line of the audit file (<state_dir>/actions.jsonl) and
// an element of GET /actions alike. Pure; any thread.
//
// Keys, in this order:
//   id, time                     the journal's number and wall-clock time of the record
//   cluster, member
//   action                       cancel | terminate | skip
//   mode                         dry_run | enforce
//   reason                       the limit passed (attempts) or the protection that applied (skips)
//   intended, limit              what the limit called for, and which limit (same as action/reason
//                                for attempts)
//   pid, backend_start, query_start (null when none), user, database, application, client_addr,
//   state, duration_seconds      the age the limit measured
//   query, query_truncated       at most queries.max_query_length bytes of the text
//   blocks, blocked_by           pids waiting for the session / the session waits for (0: a
//                                prepared transaction), as seen by the poll
//   signal                       {"executed", "result" (the server's boolean, null unless executed and
//                                answered), "error" (only when the call failed)}
//   blocking_tree                null for skips; else {"sessions":[{"pid","depth","user",
//                                "database","application","backend_type","state",
//                                "wait_event_type","wait_event","query_seconds","query",
//                                "query_truncated","blocked_by"}],"truncated"}
//   blocking_tree_error          only when the capture failed
// Text that is not valid UTF-8 (a server in another encoding) is written with replacement
// characters.
#pragma once

#include <string>

#include "queries/action_record.h"

namespace pgvigil::queries {

std::string action_json(const ActionRecord& record);

}  // namespace pgvigil::queries
