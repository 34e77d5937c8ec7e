// Sends a query cancel request without ever making the caller wait. PQcancel opens a new
// connection and waits for the server to close it, which never happens on a stopped server, so
// the request runs on a detached thread; at most a few are in flight at once, the rest are
// skipped (the server's statement_timeout stops the query anyway).
#pragma once

struct pg_conn;

namespace pgvigil::db {

void send_cancel_detached(pg_conn* conn);

}  // namespace pgvigil::db
