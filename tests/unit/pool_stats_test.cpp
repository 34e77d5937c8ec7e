#include "pool/pool_stats.h"

#include <gtest/gtest.h>

namespace pgvigil::pool {
namespace {

TEST(PoolWaitBuckets, AWaitFallsInTheFirstBoundItDoesNotExceed) {
  EXPECT_EQ(acquire_wait_bucket(0), 0u);
  EXPECT_EQ(acquire_wait_bucket(0.0005), 0u);  // `le`: the bound itself is inside
  EXPECT_EQ(acquire_wait_bucket(0.0006), 1u);
  EXPECT_EQ(acquire_wait_bucket(2.0), 6u);
  EXPECT_EQ(acquire_wait_bucket(10), kAcquireWaitBounds.size() - 1);
  EXPECT_EQ(acquire_wait_bucket(10.5), kAcquireWaitBounds.size());  // past every bound
}

TEST(PoolWaitBuckets, BoundsRiseStrictly) {
  for (std::size_t i = 1; i < kAcquireWaitBounds.size(); ++i) EXPECT_LT(kAcquireWaitBounds[i - 1], kAcquireWaitBounds[i]);
}

}  // namespace
}  // namespace pgvigil::pool
