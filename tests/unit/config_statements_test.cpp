// The statement-statistics keys of clusters[].queries: statements (on by default) and
// metrics_top_n (off by default, hard cap 20).
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace test;

TEST(ConfigStatements, DefaultsSampleWithoutPerQueryidSeries) {
  const QueriesConfig q = load_ok(kCluster).clusters.at(0).queries;
  EXPECT_TRUE(q.statements);
  EXPECT_EQ(q.metrics_top_n, 0);
}

TEST(ConfigStatements, ValuesAreRead) {
  const QueriesConfig q =
      load_ok(kCluster + "    queries: { statements: false, metrics_top_n: 20 }\n").clusters.at(0).queries;
  EXPECT_FALSE(q.statements);
  EXPECT_EQ(q.metrics_top_n, 20);
}

TEST(ConfigStatements, NonsenseIsRejected) {
  auto errors = errors_of(kCluster +
                          "    queries:\n"
                          "      statements: sometimes\n"
                          "      metrics_top_n: 21\n"
                          "  - name: b\n"
                          "    members: [{ name: m }]\n"
                          "    queries: { metrics_top_n: -1 }\n");
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].queries.statements", "expected true or false"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].queries.metrics_top_n", "out of range"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[1].queries.metrics_top_n", "out of range"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

}  // namespace
}  // namespace pgvigil::config
