#include "metrics/exposition_renderer.h"

#include <algorithm>
#include <utility>

#include "metrics/family_merge.h"
#include "metrics/family_text_writer.h"
#include "metrics/snapshot_families.h"
#include "metrics/statement_families.h"

namespace pgvigil::metrics {
namespace {

using Roster = std::vector<std::pair<std::string, std::vector<std::string>>>;

Roster roster_of(const health::Snapshot& snapshot) {
  Roster roster;
  roster.reserve(snapshot.clusters.size());
  for (const auto& cluster : snapshot.clusters) {
    std::vector<std::string> members;
    members.reserve(cluster->members.size());
    for (const auto& member : cluster->members) members.push_back(member.name);
    roster.emplace_back(cluster->name, std::move(members));
  }
  return roster;
}

// Compared in place: this runs at every render, and a roster changes only with a reload.
bool same_roster(const Roster& roster, const health::Snapshot& snapshot) {
  return std::ranges::equal(roster, snapshot.clusters, [](const auto& known, const health::ClusterSnapshotPtr& cluster) {
    return known.first == cluster->name &&
           std::ranges::equal(known.second, cluster->members,
                              [](const std::string& name, const health::MemberSnapshot& m) { return name == m.name; });
  });
}

// Whole families (headers included) of what `write` writes.
template <typename Write>
std::shared_ptr<const std::string> render_block(Write write) {
  FamilyTexts families;
  FamilyTextWriter out(families);
  write(out);
  std::string text;
  append_families(text, families);
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace

std::shared_ptr<const SnapshotExposition> ExpositionRenderer::render(health::SnapshotPtr snapshot) {
  auto exposition = std::make_shared<SnapshotExposition>();
  // Room for the text of the last render and some growth, so that the megabytes of a fleet's
  // text are not copied again by a reallocation as the parts are appended.
  exposition->text.reserve(last_bytes_ + last_bytes_ / 8);
  FamilyTexts daemon;
  FamilyTextWriter daemon_out(daemon);
  write_daemon_families(daemon_out, snapshot.get());
  append_families(exposition->text, daemon);
  exposition->age_at = exposition->text.size();
  if (snapshot != nullptr) {
    render_clusters(*snapshot, *exposition);
    render_daemon_wide(*snapshot, *exposition);
  }
  last_bytes_ = exposition->text.size();
  exposition->snapshot = std::move(snapshot);
  return exposition;
}

void ExpositionRenderer::render_clusters(const health::Snapshot& snapshot, SnapshotExposition& exposition) {
  decltype(fragments_) current;
  current.reserve(snapshot.clusters.size());
  std::vector<const FamilyTexts*> parts;
  parts.reserve(snapshot.clusters.size());
  for (const auto& cluster : snapshot.clusters) {
    const auto known = fragments_.find(cluster.get());
    auto fragment = known != fragments_.end() ? known->second : render_cluster_fragment(cluster);
    parts.push_back(&fragment->families);
    exposition.clusters.push_back(fragment);
    current.emplace(cluster.get(), std::move(fragment));
  }
  append_merged(exposition.text, parts);
  fragments_ = std::move(current);
}

void ExpositionRenderer::render_daemon_wide(const health::Snapshot& snapshot, SnapshotExposition& exposition) {
  // A null view (--once) is an input like any other: it renders to nothing, once.
  if (actions_.text == nullptr || actions_.input != snapshot.actions) {
    actions_ = {snapshot.actions, render_block([&](FamilyWriter& out) { write_action_families(out, snapshot); })};
  }
  if (alerts_.text == nullptr || alerts_.input != snapshot.alerts) {
    alerts_ = {snapshot.alerts, render_block([&](FamilyWriter& out) { write_alert_families(out, snapshot); })};
  }
  if (statements_.text == nullptr || statements_.input != snapshot.statements ||
      !same_roster(statements_roster_, snapshot)) {
    statements_ = {snapshot.statements,
                   render_block([&](FamilyWriter& out) { write_statement_families(out, snapshot); })};
    statements_roster_ = roster_of(snapshot);
  }
  exposition.actions = actions_.text;
  exposition.alerts = alerts_.text;
  exposition.statements = statements_.text;
  exposition.text += *actions_.text;
  exposition.text += *alerts_.text;
  exposition.text += *statements_.text;
}

std::shared_ptr<const SnapshotExposition> render_snapshot_exposition(health::SnapshotPtr snapshot) {
  return ExpositionRenderer().render(std::move(snapshot));
}

}  // namespace pgvigil::metrics
