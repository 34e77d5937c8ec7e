#include "health/flap_damper.h"

#include <algorithm>

namespace pgvigil::health {

FlapDamper::FlapDamper(int fail_after, int recover_after)
    : fail_after_(std::max(1, fail_after)), recover_after_(std::max(1, recover_after)) {}

Status FlapDamper::update(Status raw, bool definitive) {
  if (first_ || definitive) {  // nothing to damp against yet, or nothing to doubt
    first_ = false;
    reported_ = candidate_ = raw;
    streak_ = 0;
    return reported_;
  }
  if (raw == reported_) {
    streak_ = 0;
    candidate_ = raw;
    return reported_;
  }
  streak_ = raw == candidate_ ? streak_ + 1 : 1;
  candidate_ = raw;
  const int needed = raw > reported_ ? fail_after_ : recover_after_;
  if (streak_ >= needed) {
    reported_ = raw;
    streak_ = 0;
  }
  return reported_;
}

}  // namespace pgvigil::health
