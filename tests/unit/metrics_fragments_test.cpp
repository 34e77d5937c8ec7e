// /metrics rendered in parts: a fragment per cluster, kept while that cluster's snapshot object
// stays the same, and the daemon-wide families kept per view. Whatever was reused, the text must
// be byte for byte what serializing every family of the snapshot at once gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alerts_view.h"
#include "health/snapshot.h"
#include "health/snapshot_store.h"
#include "metrics/exposition_cache.h"
#include "metrics/exposition_renderer.h"
#include "metrics/family_text_writer.h"
#include "metrics/snapshot_families.h"
#include "queries/action_history.h"
#include "queries/interval_history.h"
#include "fleet_builders.h"
#include "statement_history_builders.h"

namespace pgvigil::metrics {
namespace {

using builders::fleet;
using builders::fleet_cluster;
using builders::shared;
using testing::HasSubstr;
using testing::Not;

// The rendering before any caching: every family collected, then one serializer pass per run.
std::string serialized_whole(const health::Snapshot& snapshot) {
  const SnapshotFamilies families = snapshot_families(&snapshot);
  const prometheus::TextSerializer serializer;
  return serializer.Serialize(families.daemon) + serializer.Serialize(families.clusters);
}

std::shared_ptr<const queries::ActionHistory> actions(std::uint64_t cancels) {
  auto history = std::make_shared<queries::ActionHistory>();
  history->counts[{"c1", queries::CancelAction::cancel, config::CancelMode::enforce,
                   queries::CancelReason::max_query_duration}] = cancels;
  history->counts[{"c2", queries::CancelAction::skip, config::CancelMode::dry_run,
                   queries::CancelReason::max_query_duration}] = 1;
  return history;
}

std::shared_ptr<const alerts::AlertsView> alerts_view(std::uint64_t delivered) {
  auto view = std::make_shared<alerts::AlertsView>();
  view->delivery.sinks = {{.sink = "pager", .delivered = delivered, .rejected = 1}};
  view->delivery.queue_depth = 2;
  view->spool_max_bytes = 1 << 20;
  return view;
}

std::shared_ptr<const queries::IntervalHistory> statements() {
  auto history = std::make_shared<queries::IntervalHistory>();
  queries::StatementCounterTotals totals;
  totals.intervals = 3;
  totals.calls = 120;
  totals.exec_seconds = 4.5;
  for (const char* cluster : {"c1", "c2"}) {
    auto one = std::make_shared<queries::ClusterStatementHistory>();
    one->totals["db1"] = totals;
    one->totals["db2"] = totals;
    one->metrics_top_n = 2;
    one->intervals = {queries::test::recorded(cluster, "db1", 10,
                                              {queries::test::reported(7, 900), queries::test::reported(8, 300)})};
    history->clusters[cluster] = std::move(one);
  }
  return history;
}

health::SnapshotPtr snapshot_of(std::vector<health::ClusterSnapshotPtr> clusters,
                                std::shared_ptr<const queries::ActionHistory> journal = actions(3),
                                std::shared_ptr<const alerts::AlertsView> engine = alerts_view(5),
                                std::shared_ptr<const queries::IntervalHistory> sampled = statements()) {
  auto s = std::make_shared<health::Snapshot>();
  s->taken_at = WallTime{} + std::chrono::hours(24 * 365 * 55);
  s->version = "9.8.7";
  s->ready = true;
  s->clusters = std::move(clusters);
  s->actions = std::move(journal);
  s->alerts = std::move(engine);
  s->statements = std::move(sampled);
  return s;
}

// The same daemon snapshot with one cluster's snapshot replaced, as after one member's cycle.
health::SnapshotPtr with_cluster(const health::SnapshotPtr& before, std::size_t index, health::ClusterSnapshot next) {
  auto s = std::make_shared<health::Snapshot>(*before);
  s->clusters[index] = shared(std::move(next));
  return s;
}

TEST(MetricsFragments, TextWriterWritesWhatTheSerializerWrites) {
  constexpr FamilySpec gauge{"pgvigil_test_value", "A value."};
  constexpr FamilySpec total = counter("pgvigil_test_total", "A count.");
  constexpr FamilySpec bare{"pgvigil_test_bare", ""};
  constexpr FamilySpec waits = histogram("pgvigil_test_seconds", "A histogram.");
  constexpr double bounds[] = {0.0005, 0.1, 2.5};
  const auto write = [&](FamilyWriter& out) {
    out.add(gauge, {{"cluster", "main"}, {"state", "a \"quoted\" back\\slash\nand\ttab"}}, 0.1 + 0.2);
    out.add(total, {}, 1e16);
    out.add(gauge, {{"cluster", "edge"}}, std::numeric_limits<double>::quiet_NaN());
    out.add(bare, {{"x", ""}}, -std::numeric_limits<double>::infinity());
    const std::uint64_t counts[] = {3, 0, 1, 2};
    out.add_histogram(waits, {{"member", "db1"}}, bounds, counts, 1e-7);
    const std::uint64_t short_counts[] = {4};  // fewer counts than buckets
    out.add_histogram(waits, {}, bounds, short_counts, 0);
    out.add(total, {{"member", "db2"}}, 5);
  };
  std::vector<prometheus::MetricFamily> collected;
  FamilyCollector collector(collected);
  write(collector);
  FamilyTexts texts;
  FamilyTextWriter writer(texts);
  write(writer);
  std::string text;
  append_families(text, texts);
  EXPECT_EQ(text, prometheus::TextSerializer().Serialize(collected));
}

TEST(MetricsFragments, ExpositionIsWhatSerializingTheWholeSnapshotGives) {
  const health::SnapshotPtr snapshot = snapshot_of(fleet(7));
  const auto exposition = render_snapshot_exposition(snapshot);
  EXPECT_EQ(exposition->text, serialized_whole(*snapshot));
  EXPECT_THAT(exposition->text, HasSubstr(R"(pgvigil_replication_lag_seconds{cluster="c1",member="db2"} 14.2)"))
      << "a family the first cluster does not have";
  EXPECT_THAT(exposition->text, HasSubstr("pgvigil_session_actions_total{"));
  EXPECT_THAT(exposition->text, HasSubstr("pgvigil_alert_notifications_total{"));
  EXPECT_THAT(exposition->text, HasSubstr("pgvigil_statement_top_exec_seconds{"));
  EXPECT_EQ(exposition->before_age(), prometheus::TextSerializer().Serialize(snapshot_families(snapshot.get()).daemon))
      << "the age goes right after the daemon's own families";
}

TEST(MetricsFragments, NothingPublishedYetGivesTheDaemonFamiliesOnly) {
  const auto exposition = render_snapshot_exposition(nullptr);
  EXPECT_THAT(exposition->text, HasSubstr("pgvigil_ready 0\n"));
  EXPECT_EQ(exposition->age_at, exposition->text.size());
  EXPECT_TRUE(exposition->clusters.empty());
  EXPECT_EQ(exposition->statements, nullptr);
}

TEST(MetricsFragments, AnUnchangedClusterKeepsItsFragmentWhileAnotherChanges) {
  ExpositionRenderer renderer;
  const health::SnapshotPtr first = snapshot_of(fleet(4));
  const auto before = renderer.render(first);
  const health::SnapshotPtr second = with_cluster(first, 2, fleet_cluster("c2", false, 9.5));
  const auto after = renderer.render(second);

  ASSERT_EQ(after->clusters.size(), 4u);
  for (const std::size_t kept : {0u, 1u, 3u}) {
    EXPECT_EQ(after->clusters[kept], before->clusters[kept]) << "cluster " << kept << " was rendered again";
  }
  EXPECT_NE(after->clusters[2], before->clusters[2]);
  EXPECT_EQ(after->clusters[2]->cluster, second->clusters[2]);
  EXPECT_EQ(after->text, serialized_whole(*second));
  EXPECT_THAT(after->text, HasSubstr(R"(pgvigil_member_latency_seconds{cluster="c2",member="db1"} 0.0095)"));
  EXPECT_THAT(before->text, HasSubstr(R"(pgvigil_member_latency_seconds{cluster="c2",member="db1"} 0.0004)"))
      << "a rendering in use is never changed";
}

TEST(MetricsFragments, AClusterThatChangesShapeMovesItsFamiliesIntoPlace) {
  ExpositionRenderer renderer;
  const health::SnapshotPtr first = snapshot_of(fleet(3));
  renderer.render(first);
  // c1 loses its replicas and c0 gains them: the replication families now first appear in c0.
  health::SnapshotPtr second = with_cluster(first, 1, fleet_cluster("c1", true));
  second = with_cluster(second, 0, fleet_cluster("c0", false));
  EXPECT_EQ(renderer.render(second)->text, serialized_whole(*second));
}

TEST(MetricsFragments, ARemovedClusterLeavesNoSeriesAndIsLetGo) {
  ExpositionRenderer renderer;
  health::SnapshotPtr first = snapshot_of(fleet(3));
  const std::weak_ptr<const health::ClusterSnapshot> removed = first->clusters[1];
  auto second = std::make_shared<health::Snapshot>(*first);
  second->clusters.erase(second->clusters.begin() + 1);
  renderer.render(first);
  const auto after = renderer.render(second);

  // The canceller's counters for c1 stay (they count across reloads); its own series go.
  EXPECT_THAT(after->text, Not(HasSubstr(R"({cluster="c1"})")));
  EXPECT_THAT(after->text, Not(HasSubstr(R"({cluster="c1",member=)")));
  EXPECT_EQ(after->text, serialized_whole(*second));
  first.reset();
  EXPECT_TRUE(removed.expired()) << "the renderer still holds the removed cluster's fragment";
}

TEST(MetricsFragments, DaemonWideFamiliesAreRenderedOncePerView) {
  ExpositionRenderer renderer;
  const health::SnapshotPtr first = snapshot_of(fleet(3));
  const auto before = renderer.render(first);
  const auto same_views = renderer.render(with_cluster(first, 0, fleet_cluster("c0", true, 3)));
  EXPECT_EQ(same_views->actions, before->actions);
  EXPECT_EQ(same_views->alerts, before->alerts);
  EXPECT_EQ(same_views->statements, before->statements);

  auto next = std::make_shared<health::Snapshot>(*first);
  next->actions = actions(4);
  const auto new_actions = renderer.render(next);
  EXPECT_NE(new_actions->actions, before->actions);
  EXPECT_EQ(new_actions->alerts, before->alerts);
  EXPECT_THAT(*new_actions->actions, HasSubstr(R"(cluster="c1",action="cancel",mode="enforce")"));
  EXPECT_THAT(*new_actions->actions, HasSubstr("} 4\n"));
  EXPECT_EQ(new_actions->text, serialized_whole(*next));

  auto without = std::make_shared<health::Snapshot>(*next);
  without->alerts = nullptr;  // --once: no engine
  const auto no_alerts = renderer.render(without);
  EXPECT_EQ(*no_alerts->alerts, "");
  EXPECT_EQ(no_alerts->text, serialized_whole(*without));
}

TEST(MetricsFragments, StatementFamiliesFollowTheRosterAsWellAsTheView) {
  ExpositionRenderer renderer;
  const health::SnapshotPtr first = snapshot_of(fleet(3));
  const auto before = renderer.render(first);
  ASSERT_THAT(*before->statements, HasSubstr(R"(pgvigil_statements_calls_total{cluster="c2",member="db2"} 120)"));

  // A reload took db2 out of c2; the statements view, published before, still has its totals.
  health::ClusterSnapshot smaller = fleet_cluster("c2", false);
  smaller.members.erase(smaller.members.begin() + 1);
  const health::SnapshotPtr second = with_cluster(first, 2, std::move(smaller));
  ASSERT_EQ(second->statements, first->statements);
  const auto after = renderer.render(second);
  EXPECT_NE(after->statements, before->statements);
  EXPECT_THAT(after->text, Not(HasSubstr(R"(cluster="c2",member="db2")")));
  EXPECT_EQ(after->text, serialized_whole(*second));
}

TEST(MetricsFragments, TheCacheReusesFragmentsAcrossPublishes) {
  health::SnapshotStore store;
  ExpositionCache cache([&store] { return store.current(); });
  const health::SnapshotPtr first = snapshot_of(fleet(3));
  store.publish(first);
  const auto before = cache.current();
  const health::SnapshotPtr second = with_cluster(first, 1, fleet_cluster("c1", false, 7));
  store.publish(second);
  const auto after = cache.current();
  EXPECT_NE(after, before);
  EXPECT_EQ(after->clusters[0], before->clusters[0]);
  EXPECT_NE(after->clusters[1], before->clusters[1]);
  EXPECT_EQ(after->clusters[2], before->clusters[2]);
  EXPECT_EQ(after->text, serialized_whole(*second));
}

}  // namespace
}  // namespace pgvigil::metrics
