// /health and /clusters/{c} from cluster documents cached per cluster snapshot: the answers must
// be byte for byte those rendered from scratch, and a cluster's document is rendered again only
// when its snapshot object changes.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/cluster_json_cache.h"
#include "http/health_json.h"
#include "http/router.h"
#include "fleet_builders.h"

namespace pgvigil::http {
namespace {

using builders::fleet;
using builders::fleet_cluster;
using builders::shared;

health::SnapshotPtr snapshot_of(std::vector<health::ClusterSnapshotPtr> clusters) {
  auto s = std::make_shared<health::Snapshot>();
  s->taken_at = WallTime{} + std::chrono::hours(24 * 365 * 55) + std::chrono::milliseconds(123);
  s->version = "9.8.7 \"quoted\"";
  s->clusters = std::move(clusters);
  return s;
}

health::SnapshotPtr with_cluster(const health::SnapshotPtr& before, std::size_t index, health::ClusterSnapshot next) {
  auto s = std::make_shared<health::Snapshot>(*before);
  s->clusters[index] = shared(std::move(next));
  return s;
}

std::string joined(ClusterJsonCache& cache, const health::Snapshot& snapshot, std::string_view why = {}) {
  const auto documents = cache.documents(snapshot);
  std::vector<std::string_view> texts;
  for (const auto& document : documents) texts.emplace_back(document->text);
  return health_json(snapshot, texts, why);
}

TEST(HttpClusterJson, JoinedDocumentsAreWhatRenderingTheWholeSnapshotGives) {
  ClusterJsonCache cache;
  const health::SnapshotPtr snapshot = snapshot_of(fleet(5));
  EXPECT_EQ(joined(cache, *snapshot), health_json(*snapshot));
  EXPECT_EQ(joined(cache, *snapshot, "unhealthy clusters: c1 \"x\""),
            health_json(*snapshot, "unhealthy clusters: c1 \"x\""));
  const health::SnapshotPtr empty = snapshot_of({});
  EXPECT_EQ(joined(cache, *empty, "no cluster has been checked yet"),
            health_json(*empty, "no cluster has been checked yet"));
}

TEST(HttpClusterJson, ClusterDocumentWithWhyIsWhatRenderingItGives) {
  ClusterJsonCache cache;
  const health::ClusterSnapshotPtr cluster = shared(fleet_cluster("main", false));
  const ClusterJsonPtr document = cache.document(cluster);
  EXPECT_EQ(cluster_json(document->text, ""), cluster_json(*cluster));
  EXPECT_EQ(cluster_json(document->text, "unhealthy (no_primary)"), cluster_json(*cluster, "unhealthy (no_primary)"));
}

TEST(HttpClusterJson, AnUnchangedClusterKeepsItsDocumentWhileAnotherChanges) {
  ClusterJsonCache cache;
  const health::SnapshotPtr first = snapshot_of(fleet(4));
  const auto before = cache.documents(*first);
  const health::SnapshotPtr second = with_cluster(first, 1, fleet_cluster("c1", false, 8));
  const auto after = cache.documents(*second);
  ASSERT_EQ(after.size(), 4u);
  for (const std::size_t kept : {0u, 2u, 3u}) EXPECT_EQ(after[kept], before[kept]) << "cluster " << kept;
  EXPECT_NE(after[1], before[1]);
  EXPECT_EQ(after[1]->cluster, second->clusters[1]);
  EXPECT_EQ(joined(cache, *second), health_json(*second));
  EXPECT_EQ(cache.document(second->clusters[1]), after[1]) << "/clusters/c1 shares what /health rendered";
  EXPECT_EQ(cache.document(second->clusters[3]), before[3]);
}

TEST(HttpClusterJson, ARemovedClusterIsLetGo) {
  ClusterJsonCache cache;
  health::SnapshotPtr first = snapshot_of(fleet(3));
  const std::weak_ptr<const health::ClusterSnapshot> removed = first->clusters[2];
  cache.documents(*first);
  auto second = std::make_shared<health::Snapshot>(*first);
  second->clusters.pop_back();
  const auto after = cache.documents(*second);
  EXPECT_EQ(after.size(), 2u);
  first.reset();
  EXPECT_TRUE(removed.expired()) << "the cache still holds the removed cluster's document";
}

// HTTP workers share one cache while the snapshot changes under them: every answer must still be
// the one rendered from scratch for the snapshot it was given.
TEST(HttpClusterJson, ConcurrentRequestsWhileClustersChangeAnswerTheirOwnSnapshot) {
  ClusterJsonCache cache;
  std::mutex mutex;
  health::SnapshotPtr current = snapshot_of(fleet(4));
  std::atomic<int> wrong{0};
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < 100; ++i) {
          health::SnapshotPtr seen;
          {
            std::lock_guard lock(mutex);
            seen = current;
          }
          if (joined(cache, *seen) != health_json(*seen)) ++wrong;
          if (cache.document(seen->clusters[1])->text != cluster_json(*seen->clusters[1])) ++wrong;
        }
      });
    }
    for (int i = 0; i < 100; ++i) {  // only this thread writes `current`
      const std::size_t count = current->clusters.size();
      const std::size_t index = static_cast<std::size_t>(i) % count;
      auto next = std::make_shared<health::Snapshot>(*current);
      next->clusters[index] = shared(fleet_cluster(current->clusters[index]->name, i % 2 == 0, i));
      if (i % 25 == 24 && count > 2) next->clusters.pop_back();  // now and then a reload drops one
      std::lock_guard lock(mutex);
      current = std::move(next);
    }
  }
  EXPECT_EQ(wrong.load(), 0);
}

// Through the router, as the server calls it: the cache rides in the Hooks.
TEST(HttpClusterJson, RouterAnswersAsRenderedFromScratchAfterChanges) {
  health::SnapshotPtr current = snapshot_of(fleet(3));
  Hooks hooks;
  hooks.snapshot = [&current] { return current; };
  const auto get = [&hooks](std::string path) { return route({"GET", std::move(path), {}, {}}, hooks); };
  EXPECT_EQ(get("/health").body, health_json(*current));

  health::ClusterSnapshot broken = fleet_cluster("c1", false);
  broken.primary.reset();
  broken.status = health::Status::unhealthy;
  broken.reasons = {builders::described_reason("no_primary", health::Severity::critical)};
  current = with_cluster(current, 1, broken);
  const Response health = get("/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, health_json(*current, "unhealthy clusters: c1"));
  const Response cluster = get("/clusters/c1");
  EXPECT_EQ(cluster.status, 503);
  EXPECT_EQ(cluster.body, cluster_json(broken, "unhealthy (no_primary)"));
  EXPECT_EQ(get("/clusters/c1/primary").body, cluster_json(broken, "no primary"));
  EXPECT_EQ(get("/clusters/c2").body, cluster_json(*current->clusters[2]));
}

}  // namespace
}  // namespace pgvigil::http
