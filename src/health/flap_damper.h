// Holds a member's reported status steady against flapping: a worse status must be seen
// `fail_after` cycles in a row, a better one `recover_after` cycles in a row, before it is
// reported. A definitive failure (connection refused, sessions closed by the server) skips the
// wait. Pure state machine; not thread-safe (one per member, owned by its worker).
#pragma once

#include "health/status.h"

namespace pgvigil::health {

class FlapDamper {
 public:
  FlapDamper(int fail_after, int recover_after);

  // Feeds one cycle's raw status; returns the status to report.
  Status update(Status raw, bool definitive = false);
  Status reported() const { return reported_; }
  // A reload's new settings; the streak so far still counts.
  void set_thresholds(int fail_after, int recover_after) {
    fail_after_ = fail_after;
    recover_after_ = recover_after;
  }

 private:
  int fail_after_;
  int recover_after_;
  bool first_ = true;
  Status reported_ = Status::healthy;
  Status candidate_ = Status::healthy;
  int streak_ = 0;
};

}  // namespace pgvigil::health
