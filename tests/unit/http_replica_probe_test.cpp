#include "http/probe_rules.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "member_builders.h"

namespace pgvigil::http {
namespace {

using namespace pgvigil::builders;

using health::MemberRole;
using health::MemberSnapshot;
using health::Severity;
using health::Status;

constexpr double kMiB = 1024.0 * 1024.0;
const LagLimits kLimits{16 * kMiB, 10};




struct ReplicaCase {
  const char* name;
  std::function<void(MemberSnapshot&)> change;
  int status;
  const char* why;
};

class HttpReplicaProbeCases : public ::testing::TestWithParam<ReplicaCase> {};

TEST_P(HttpReplicaProbeCases, AnswersAsTheRulesSay) {
  MemberSnapshot m = healthy_member("db2", MemberRole::replica);
  GetParam().change(m);
  const ProbeResult result = member_replica(m, kLimits);
  EXPECT_EQ(result.status, GetParam().status);
  EXPECT_EQ(result.why, GetParam().why);
}

INSTANTIATE_TEST_SUITE_P(
    HttpReplicaProbe, HttpReplicaProbeCases,
    ::testing::Values(
        ReplicaCase{"Healthy", [](MemberSnapshot&) {}, 200, ""},
        ReplicaCase{"DegradedForAnotherReason",
                    [](MemberSnapshot& m) {
                      m.status = Status::degraded;
                      m.reasons = {bare_reason("connections", Severity::warning)};
                    },
                    200, ""},
        ReplicaCase{"ReplayPausedButWithinLag", [](MemberSnapshot& m) { m.replication.replay_paused = true; }, 200, ""},
        ReplicaCase{"LagExactlyAtTheLimits",
                    [](MemberSnapshot& m) {
                      m.replication.lag_seconds = 10;
                      m.replication.lag_bytes = 16 * kMiB;
                    },
                    200, ""},
        ReplicaCase{"NegativeByteLagIsNoLag", [](MemberSnapshot& m) { m.replication.lag_bytes = -100; }, 200, ""},
        ReplicaCase{"Unreachable", [](MemberSnapshot& m) { m.reachable = false; }, 503, "unreachable"},
        ReplicaCase{"IsThePrimary", [](MemberSnapshot& m) { m.role = MemberRole::primary; }, 503,
                    "not a replica (role primary)"},
        ReplicaCase{"RoleUnknown", [](MemberSnapshot& m) { m.role = MemberRole::unknown; }, 503,
                    "not a replica (role unknown)"},
        ReplicaCase{"NotStreaming", [](MemberSnapshot& m) { m.replication.streaming = false; }, 503, "not streaming"},
        ReplicaCase{"Unhealthy",
                    [](MemberSnapshot& m) {
                      m.status = Status::unhealthy;
                      m.reasons = {bare_reason("connections", Severity::warning), bare_reason("wraparound", Severity::critical)};
                    },
                    503, "unhealthy (wraparound)"},
        ReplicaCase{"UnhealthyWithoutReasons", [](MemberSnapshot& m) { m.status = Status::unhealthy; }, 503,
                    "unhealthy"},
        ReplicaCase{"SecondsLagUnknown", [](MemberSnapshot& m) { m.replication.lag_seconds.reset(); }, 503,
                    "lag in seconds unknown"},
        ReplicaCase{"SecondsLagNotANumber",
                    [](MemberSnapshot& m) { m.replication.lag_seconds = std::numeric_limits<double>::quiet_NaN(); },
                    503, "lag in seconds unknown"},
        ReplicaCase{"ByteLagUnknown", [](MemberSnapshot& m) { m.replication.lag_bytes.reset(); }, 503,
                    "lag in bytes unknown"},
        ReplicaCase{"ByteLagInfinite",
                    [](MemberSnapshot& m) { m.replication.lag_bytes = std::numeric_limits<double>::infinity(); }, 503,
                    "lag in bytes unknown"},
        ReplicaCase{"LagsInSeconds", [](MemberSnapshot& m) { m.replication.lag_seconds = 14.2; }, 503,
                    "lag 14.2s exceeds 10s"},
        ReplicaCase{"LagsInBytes", [](MemberSnapshot& m) { m.replication.lag_bytes = 20 * kMiB; }, 503,
                    "lag 20MB exceeds 16MB"},
        ReplicaCase{"LagsJustOverTheLimit", [](MemberSnapshot& m) { m.replication.lag_seconds = 10.001; }, 503,
                    "lag 10.001s exceeds 10s"}),
    [](const ::testing::TestParamInfo<ReplicaCase>& param_info) { return std::string(param_info.param.name); });

// Every combination of the inputs, against the rule written as one boolean expression.
TEST(HttpReplicaProbe, OverEveryCombination) {
  const std::optional<double> seconds_options[] = {std::nullopt, 5.0, 30.0};
  const std::optional<double> bytes_options[] = {std::nullopt, 1024.0, 64 * kMiB};
  int combinations = 0;
  for (bool reachable : {false, true}) {
    for (MemberRole role : {MemberRole::unknown, MemberRole::primary, MemberRole::replica}) {
      for (bool streaming : {false, true}) {
        for (Status status : {Status::healthy, Status::degraded, Status::unhealthy}) {
          for (const auto& seconds : seconds_options) {
            for (const auto& bytes : bytes_options) {
              MemberSnapshot m = healthy_member("db2", MemberRole::replica);
              m.reachable = reachable;
              m.role = role;
              m.replication.streaming = streaming;
              m.status = status;
              m.replication.lag_seconds = seconds;
              m.replication.lag_bytes = bytes;
              const bool expected = reachable && role == MemberRole::replica && streaming &&
                                    status != Status::unhealthy && seconds && *seconds <= kLimits.max_seconds &&
                                    bytes && *bytes <= kLimits.max_bytes;
              const ProbeResult result = member_replica(m, kLimits);
              EXPECT_EQ(result.ok(), expected) << "combination " << combinations;
              EXPECT_EQ(result.why.empty(), expected) << "a 503 always says why; combination " << combinations;
              ++combinations;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(combinations, 324);
}

}  // namespace
}  // namespace pgvigil::http
