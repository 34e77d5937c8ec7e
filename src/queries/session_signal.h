// Carries out one cancel or terminate on a member: pg_cancel_backend / pg_terminate_backend with
// the pid as a parameter. Failure is an outcome, not an exception: a permission error (the
// daemon's role lacks pg_signal_backend, or the target is a superuser's backend), a timeout or a
// lost session is recorded in the audit and the canceller carries on.
#pragma once

#include "db/connection.h"
#include "queries/action_record.h"

namespace pgvigil::queries {

// `action` must be cancel or terminate.
SignalOutcome send_signal(db::Connection& session, CancelAction action, BackendPid pid, db::Millis timeout);

}  // namespace pgvigil::queries
