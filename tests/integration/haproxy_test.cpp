// The README's HAProxy example, run as written against a real HAProxy (Debian package), a real
// primary + streaming replica and the real daemon: writes reach only the primary, reads only the
// replica, and after a failover writes reach the promoted replica with no HAProxy change. Only
// addresses are rewritten (loopback ports, the test's cluster name); the check lines are the
// README's own, so the example cannot drift from what works.
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "probe_fixture.h"
#include "sql_client.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

// The configuration block that follows the README's "### HAProxy" heading.
std::string readme_haproxy_block() {
  const std::string readme = testing::read_file(std::string(PGVIGIL_SOURCE_DIR) + "/README.md");
  const auto heading = readme.find("\n### HAProxy\n");
  if (heading == std::string::npos) return "";
  const auto open = readme.find("\n```\n", heading);
  if (open == std::string::npos) return "";
  const auto close = readme.find("\n```\n", open + 5);
  if (close == std::string::npos) return "";
  return readme.substr(open + 5, close - open - 5);
}

struct Addresses {
  int primary_port = 0;
  int replica_port = 0;
  int absent_port = 0;  // db3 of the example: a member the daemon does not know
  int daemon_port = 0;
  int writes_port = 0;
  int reads_port = 0;
};

std::string localise(std::string block, const Addresses& a) {
  block = std::regex_replace(block, std::regex(R"(bind \*:5000)"), "bind 127.0.0.1:" + std::to_string(a.writes_port));
  block = std::regex_replace(block, std::regex(R"(bind \*:5001)"), "bind 127.0.0.1:" + std::to_string(a.reads_port));
  block = std::regex_replace(block, std::regex("/clusters/main/"), "/clusters/c/");
  block = std::regex_replace(block, std::regex(R"(port 9188)"), "port " + std::to_string(a.daemon_port));
  block = std::regex_replace(block, std::regex(R"(db1\.example\.net:5432)"),
                             "127.0.0.1:" + std::to_string(a.primary_port));
  block = std::regex_replace(block, std::regex(R"(db2\.example\.net:5432)"),
                             "127.0.0.1:" + std::to_string(a.replica_port));
  return std::regex_replace(block, std::regex(R"(db3\.example\.net:5432)"),
                            "127.0.0.1:" + std::to_string(a.absent_port));
}

class HaproxyUnderTest {
 public:
  HaproxyUnderTest(const TempDir& dir, const std::string& listen_sections) : stats_port_(testing::free_port()) {
    const std::string config = "global\n    maxconn 64\n"
                               "defaults\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n"
                               "listen stats\n    bind 127.0.0.1:" +
                               std::to_string(stats_port_) + "\n    mode http\n    stats enable\n    stats uri /stats\n" +
                               listen_sections + "\n";
    const std::string path = dir.write("haproxy.cfg", config);
    log_path_ = dir / "haproxy.log";
    auto check = testing::Subprocess::spawn({"/usr/sbin/haproxy", "-c", "-f", path}, {}, log_path_);
    if (check.wait_for_exit(10s) != 0) {
      throw std::runtime_error("haproxy -c refused the configuration:\n" + testing::read_file(log_path_) + "\n" + config);
    }
    process_.emplace(testing::Subprocess::spawn({"/usr/sbin/haproxy", "-db", "-f", path}, {}, log_path_));
    if (!poll_until([&] { return !process_->running() || !stats_csv().empty(); }, 10s)) {
      throw std::runtime_error("haproxy did not start:\n" + testing::read_file(log_path_) + "\n" + config);
    }
  }

  // "UP", "DOWN", ... for `server` of `proxy`, from the stats CSV; empty when not listed.
  std::string status(const std::string& proxy, const std::string& server) const {
    std::istringstream csv(stats_csv());
    std::string line;
    while (std::getline(csv, line)) {
      std::vector<std::string> fields;
      std::stringstream row(line);
      for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
      // Columns: pxname, svname, ..., status is the 18th.
      if (fields.size() > 17 && fields[0] == proxy && fields[1] == server) return fields[17];
    }
    return "";
  }

  // Its log and the stats table, for failure messages.
  std::string log() const { return testing::read_file(log_path_) + stats_csv(); }

 private:
  // HAProxy's stats page as CSV; empty while it does not answer. The ";csv" suffix must reach
  // HAProxy unencoded.
  std::string stats_csv() const {
    httplib::Client client("127.0.0.1", stats_port_);
    client.set_url_encode(false);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    const auto result = client.Get("/stats;csv");
    return result && result->status == 200 && result->body.starts_with("# pxname") ? result->body : "";
  }

  int stats_port_;
  std::string log_path_;
  std::optional<testing::Subprocess> process_;
};

bool in_recovery_through(int port) {
  const auto rows = testing::run_sql("host=127.0.0.1 port=" + std::to_string(port) +
                                         " dbname=postgres user=postgres connect_timeout=3",
                                     "SELECT pg_is_in_recovery()", 10s);
  return rows.at(0).at(0).value_or("") == "t";
}

TEST(HaproxyExample, SendsWritesToThePrimaryAndReadsToTheReplicaAndFollowsAFailover) {
  const std::string block = readme_haproxy_block();
  ASSERT_NE(block.find("uri-lf /clusters/main/members/%[srv_name]/primary"), std::string::npos) << block;
  ASSERT_NE(block.find("/replica?"), std::string::npos) << block;

  auto pg = PgCluster::start({});
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_and_replica(pg, "500ms"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  wait_all_healthy(daemon, 15s);

  Addresses addresses{pg.port(PgCluster::kPrimary), pg.port(PgCluster::kReplica), testing::free_port(),
                      daemon.port(),                testing::free_port(),             testing::free_port()};
  HaproxyUnderTest haproxy(dir, localise(block, addresses));

  const auto settled = [&](const std::string& writer, const std::string& reader) {
    return poll_until(
        [&] {
          const std::string other_writer = writer == kPrimaryName ? kReplicaName : kPrimaryName;
          return haproxy.status("pg-primary", writer) == "UP" && haproxy.status("pg-primary", other_writer) == "DOWN" &&
                 haproxy.status("pg-primary", "db3") == "DOWN" &&
                 (reader.empty() || (haproxy.status("pg-replicas", reader) == "UP" &&
                                     haproxy.status("pg-replicas", writer) == "DOWN")) &&
                 haproxy.status("pg-replicas", "db3") == "DOWN";
        },
        20s, 200ms);
  };
  ASSERT_TRUE(settled(kPrimaryName, kReplicaName)) << haproxy.log();
  EXPECT_FALSE(in_recovery_through(addresses.writes_port));
  EXPECT_TRUE(in_recovery_through(addresses.reads_port));

  // Failover: the primary dies and the replica is promoted; HAProxy's configuration is untouched.
  pg.kill(PgCluster::kPrimary);
  pg.promote(PgCluster::kReplica);
  ASSERT_TRUE(settled(kReplicaName, "")) << haproxy.log() << daemon.get("/health").body;
  EXPECT_FALSE(in_recovery_through(addresses.writes_port));
}

}  // namespace
}  // namespace pgvigil::acceptance
