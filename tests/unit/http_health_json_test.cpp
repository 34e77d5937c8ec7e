#include "http/health_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "member_builders.h"

namespace pgvigil::http {
namespace {

using namespace pgvigil::builders;

using namespace std::chrono;
using health::MemberRole;
using health::Status;
using nlohmann::json;

WallTime at(sys_days day, milliseconds since_midnight) { return WallTime(day) + since_midnight; }

const WallTime kTaken = at(sys_days(2024y / May / 1), 12h + 3min + 4s + 123ms);

health::MemberSnapshot primary_member() {
  health::MemberSnapshot m = healthy_member("db1", MemberRole::primary, 3);
  m.status = Status::degraded;
  m.checked_at = kTaken;
  m.latency_ms = 0.4;
  m.server_version = 150004;
  m.reasons = {{"connections", health::Severity::warning, "81%", "75%", "Connections are 81% used.", 0.81}};
  m.recommendations = {"Add a pooler."};
  m.connections = health::ConnectionsView{81, 100, 3, {{"active", 10}, {"idle", 71}}};
  m.values = {{"connections", 0.81}, {"latency", 0.0004}};
  return m;
}

health::MemberSnapshot replica_member() {
  health::MemberSnapshot m = healthy_member("db2", MemberRole::replica);
  m.checked_at = kTaken;
  m.replication = {2.5, std::nullopt, true, false, 7.5};
  return m;
}

health::ClusterSnapshot main_cluster() {
  health::ClusterSnapshot c;
  c.name = "main";
  c.status = Status::degraded;
  c.primary = "db1";
  c.members = {primary_member(), replica_member()};
  return c;
}

health::Snapshot snapshot(health::ClusterSnapshot c = main_cluster()) {
  health::Snapshot s;
  s.taken_at = kTaken;
  s.version = "0.1.0";
  s.clusters = {shared(std::move(c))};
  return s;
}

std::vector<std::string> keys(const std::string& text) {
  std::vector<std::string> out;
  const auto document = nlohmann::ordered_json::parse(text);
  for (const auto& [key, value] : document.items()) out.push_back(key);
  return out;
}

TEST(HttpHealthJson, TimestampsAreRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(kTaken), "2024-05-01T12:03:04.123Z");
  EXPECT_EQ(format_timestamp(WallTime{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(at(sys_days(2023y / December / 31), 23h + 59min + 59s + 999ms) + 999us),
            "2023-12-31T23:59:59.999Z")
      << "truncated, never rounded into the next day";
}

TEST(HttpHealthJson, HealthDocument) {
  const std::string text = health_json(snapshot());
  EXPECT_EQ(keys(text), (std::vector<std::string>{"status", "timestamp", "version", "clusters"}));
  const json doc = json::parse(text);
  EXPECT_EQ(doc["status"], "degraded");
  EXPECT_EQ(doc["timestamp"], "2024-05-01T12:03:04.123Z");
  EXPECT_EQ(doc["version"], "0.1.0");
  ASSERT_EQ(doc["clusters"].size(), 1u);
  const json& cluster = doc["clusters"][0];
  EXPECT_EQ(cluster["primary"], "db1");
  EXPECT_EQ(cluster["members"].size(), 2u);
}

TEST(HttpHealthJson, ClusterDocumentKeysInOrderAndNullPrimary) {
  health::ClusterSnapshot c = main_cluster();
  c.primary.reset();
  c.split_brain = true;
  c.reasons = {{"split_brain", health::Severity::critical, "2", "1", "Two primaries.", 2}};
  const std::string text = cluster_json(c);
  EXPECT_EQ(keys(text), (std::vector<std::string>{"name", "status", "primary", "split_brain", "reasons", "members"}));
  const json doc = json::parse(text);
  EXPECT_TRUE(doc["primary"].is_null());
  EXPECT_EQ(doc["split_brain"], true);
  EXPECT_EQ(doc["reasons"][0]["check"], "split_brain");
  EXPECT_FALSE(doc.contains("why"));
}

TEST(HttpHealthJson, PrimaryMemberDocument) {
  const std::string text = member_json(primary_member());
  EXPECT_EQ(keys(text), (std::vector<std::string>{"name", "role", "status", "reachable", "checked_at", "latency_ms",
                                                  "timeline", "server_version", "fenced", "foreign", "reasons",
                                                  "recommendations", "connections", "checks"}));
  const json doc = json::parse(text);
  EXPECT_EQ(doc["role"], "primary");
  EXPECT_EQ(doc["status"], "degraded");
  EXPECT_EQ(doc["checked_at"], "2024-05-01T12:03:04.123Z");
  EXPECT_EQ(doc["latency_ms"], 0.4);
  EXPECT_EQ(doc["timeline"], 3);
  EXPECT_EQ(doc["server_version"], 150004);
  EXPECT_EQ(doc["reasons"][0],
            (json{{"check", "connections"}, {"severity", "warning"}, {"value", "81%"}, {"threshold", "75%"},
                  {"message", "Connections are 81% used."}}));
  EXPECT_EQ(doc["recommendations"], json::array({"Add a pooler."}));
  EXPECT_EQ(doc["connections"],
            (json{{"used", 81}, {"max", 100}, {"reserved", 3}, {"by_state", {{"active", 10}, {"idle", 71}}}}));
  EXPECT_EQ(doc["checks"], (json{{"connections", 0.81}, {"latency", 0.0004}}));
}

TEST(HttpHealthJson, ReplicaMemberDocument) {
  const json doc = json::parse(member_json(replica_member()));
  EXPECT_EQ(doc["replication"],
            (json{{"lag_seconds", 2.5}, {"lag_bytes", nullptr}, {"streaming", true}, {"replay_paused", false}, {"heartbeat_age_seconds", 7.5}}));
  EXPECT_FALSE(doc.contains("connections"));
  EXPECT_FALSE(doc.contains("error"));
  EXPECT_EQ(doc["reasons"], json::array());
  EXPECT_EQ(doc["checks"], json::object());
}

TEST(HttpHealthJson, UnreachableMemberCarriesItsErrorAndNoCheckTimeBeforeTheFirstCheck) {
  health::MemberSnapshot m = replica_member();
  m.reachable = false;
  m.checked = false;
  m.error = "connection refused";
  const json doc = json::parse(member_json(m, "unreachable"));
  EXPECT_EQ(doc["error"], "connection refused");
  EXPECT_TRUE(doc["checked_at"].is_null());
  EXPECT_EQ(doc["why"], "unreachable");
}

TEST(HttpHealthJson, TextThatIsNotUtf8DoesNotBreakTheDocument) {
  health::MemberSnapshot m = replica_member();
  m.error = "FATAL: \xE9\xE8 invalid";  // Latin-1 bytes from a server in another encoding
  std::string text;
  ASSERT_NO_THROW(text = member_json(m));
  EXPECT_TRUE(json::accept(text)) << text;
}

TEST(HttpHealthJson, WhyIsAddedOnlyWhenGiven) {
  EXPECT_FALSE(json::parse(health_json(snapshot())).contains("why"));
  EXPECT_EQ(json::parse(health_json(snapshot(), "unhealthy clusters: main"))["why"], "unhealthy clusters: main");
  EXPECT_EQ(json::parse(cluster_json(main_cluster(), "no primary"))["why"], "no primary");
}

TEST(HttpHealthJson, StatsDocument) {
  health::ClusterSnapshot c = main_cluster();
  auto& pool = c.members[0].pool;
  pool = {.total = 2, .idle = 1, .in_use = 1, .waiting = 0, .max = 2, .acquires = 40, .acquire_timeouts = 1,
          .acquire_wait_seconds_total = 0.25, .acquire_wait_counts = {}, .connects = 3, .connect_failures = 1,
          .validations_failed = 0, .rotations = 1, .idle_closed = 2, .lost_detected = 1,
          .circuit = pool::CircuitState::half_open};
  c.members[0].database_size_bytes = 7654321;
  const json doc = json::parse(stats_json(snapshot(std::move(c))));
  EXPECT_EQ(doc["timestamp"], "2024-05-01T12:03:04.123Z");
  const json& db1 = doc["clusters"][0]["members"][0];
  EXPECT_EQ(doc["clusters"][0]["name"], "main");
  EXPECT_EQ(db1["name"], "db1");
  EXPECT_EQ(db1["database_size_bytes"], 7654321);
  EXPECT_EQ(db1["pool"], (json{{"total", 2},
                               {"idle", 1},
                               {"in_use", 1},
                               {"waiting", 0},
                               {"max", 2},
                               {"acquires", 40},
                               {"acquire_timeouts", 1},
                               {"acquire_wait_seconds_total", 0.25},
                               {"connects", 3},
                               {"connect_failures", 1},
                               {"validations_failed", 0},
                               {"rotations", 1},
                               {"idle_closed", 2},
                               {"lost_detected", 1},
                               {"circuit", "half_open"}}));
  const json& db2 = doc["clusters"][0]["members"][1];
  EXPECT_TRUE(db2["database_size_bytes"].is_null());
  EXPECT_EQ(db2["pool"]["circuit"], "closed");
}

TEST(HttpHealthJson, SmallDocuments) {
  EXPECT_EQ(status_json("ok"), R"({"status":"ok"})");
  EXPECT_EQ(status_json("failing", "stalled"), R"({"status":"failing","why":"stalled"})");
  EXPECT_EQ(error_json("unknown cluster \"x\""), R"({"error":"unknown cluster \"x\""})");
}

}  // namespace
}  // namespace pgvigil::http
