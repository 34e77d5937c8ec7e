#include "health/flap_damper.h"

#include <gtest/gtest.h>

namespace pgvigil::health {
namespace {

constexpr auto H = Status::healthy;
constexpr auto D = Status::degraded;
constexpr auto U = Status::unhealthy;

std::vector<Status> run(FlapDamper damper, const std::vector<Status>& raw) {
  std::vector<Status> out;
  for (auto s : raw) out.push_back(damper.update(s));
  return out;
}

TEST(FlapDamper, FailAfterOneReportsAtOnceAndRecoverAfterTwoWaits) {
  EXPECT_EQ(run(FlapDamper(1, 2), {H, U, H, U, H, H, H}), (std::vector{H, U, U, U, U, H, H}));
}

TEST(FlapDamper, FailAfterThreeIgnoresBlips) {
  EXPECT_EQ(run(FlapDamper(3, 1), {H, D, D, H, D, D, D, H}), (std::vector{H, H, H, H, H, H, D, H}));
}

TEST(FlapDamper, AChangingCandidateRestartsTheStreak) {
  EXPECT_EQ(run(FlapDamper(2, 2), {H, D, U, U}), (std::vector{H, H, H, U}));
}

TEST(FlapDamper, FirstObservationIsTakenAsIs) {
  EXPECT_EQ(run(FlapDamper(5, 5), {U, U}), (std::vector{U, U}));
}

TEST(FlapDamper, DefinitiveFailureSkipsTheWait) {
  FlapDamper damper(3, 3);
  EXPECT_EQ(damper.update(H), H);
  EXPECT_EQ(damper.update(U, true), U);
  EXPECT_EQ(damper.update(H), U);
  EXPECT_EQ(damper.update(H), U);
  EXPECT_EQ(damper.update(H), H);
}

}  // namespace
}  // namespace pgvigil::health
