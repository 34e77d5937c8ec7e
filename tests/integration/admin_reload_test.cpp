// Reloading the configuration of a running daemon, by SIGHUP and by POST /-/reload: the POST
// needs the bearer token from http.admin_token_file (whitespace around it trimmed); an edited
// file takes effect; a broken one is refused with its error, the running configuration stays,
// and pgvigil_config_last_reload_successful says so. A POST without a body (`curl -X POST`) is
// answered at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kEffectLimit = 15s;  // a rebuilt runtime's first cycles, on a loaded machine
constexpr const char* kReloadStarted = "reloading configuration from";
// A ratio any client session crosses: with the test's own session open, the connections check
// must warn once this threshold is in force.
constexpr const char* kTinyConnectionsWarning = "{ warning: 0.001 }";

const httplib::Headers kRightToken{{"Authorization", "Bearer s3cret"}};

HttpReply post_reload(const DaemonUnderTest& daemon, const httplib::Headers& headers) {
  return http_call(daemon.port(), "POST", "/-/reload", headers);
}

// Sends `request` as written over a fresh connection and returns the answer's status line (empty
// if none came within `limit`). httplib's client always adds a Content-Length; curl does not.
std::string raw_status_line(int port, const std::string& request, std::chrono::seconds limit) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  const timeval timeout{static_cast<time_t>(limit.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[512];
    while (answer.find("\r\n") == std::string::npos) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

std::optional<double> reload_successful(const DaemonUnderTest& daemon) {
  const auto scrape = daemon.get("/metrics");
  if (scrape.status != 200) return std::nullopt;
  return metric_sample(scrape.body, "pgvigil_config_last_reload_successful");
}


std::string checked_at(const Json& member) {
  return member.is_object() ? member.value("checked_at", "") : std::string();
}

bool warns_about_connections(const Json& member) {
  const Json* reason = reason_of(member, "connections");
  return reason != nullptr && reason->value("severity", "") == "warning" && status_of(member) == "degraded";
}

bool healthy_without_connections_reason(const Json& member) {
  return status_of(member) == "healthy" && reason_of(member, "connections") == nullptr;
}

class AdminReload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PgCluster::Options options;
    options.with_replica = false;
    cluster_ = new PgCluster(PgCluster::start(options));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    config_.members = {{"primary", cluster_->port(PgCluster::kPrimary), cluster_->password_file()}};
    config_.admin_token_file = dir_.write("admin.token", "  s3cret \n");
    // Over a fresh, idle cluster's handful of block reads the cache hit ratio can dip under 95%
    // for a cycle; these tests judge health by the connections check alone.
    config_.checks["cache_hit"] = "{ enabled: false }";
    // A client session of someone else's, so the connections check has something to count.
    client_.emplace(cluster_->port(PgCluster::kPrimary), "app");
  }

  // Rewrites the running daemon's config file (same port and state directory).
  void rewrite_config(const DaemonUnderTest& daemon, const DaemonConfig& config, const std::string& extra = "") {
    dir_.write("pgvigil.yaml", render_config(config, daemon.port(), dir_ / "state") + extra);
  }

  DaemonConfig with_tiny_connections_warning() const {
    DaemonConfig config = config_;
    config.checks["connections"] = kTinyConnectionsWarning;
    return config;
  }

  static PgCluster* cluster_;
  TempDir dir_;
  DaemonConfig config_;
  std::optional<PgSession> client_;
};
PgCluster* AdminReload::cluster_ = nullptr;

TEST_F(AdminReload, PostNeedsTheTrimmedTokenAndAppliesTheEditedFile) {
  DaemonUnderTest daemon(dir_, config_);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  Json primary = poll_member(daemon, "primary", healthy_without_connections_reason, kEffectLimit);
  ASSERT_TRUE(healthy_without_connections_reason(primary)) << primary.dump();

  rewrite_config(daemon, with_tiny_connections_warning());

  const auto anonymous = post_reload(daemon, {});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body << anonymous.error;
  EXPECT_EQ(anonymous.headers.count("WWW-Authenticate"), 1u);
  EXPECT_EQ(anonymous.headers.find("WWW-Authenticate")->second, "Bearer");
  EXPECT_TRUE(anonymous.json().contains("error")) << anonymous.body;

  const auto wrong = post_reload(daemon, {{"Authorization", "Bearer s3cre"}});
  EXPECT_EQ(wrong.status, 403) << wrong.body << wrong.error;
  EXPECT_TRUE(wrong.json().contains("error")) << wrong.body;
  // Only the exact token passes, not a credential that merely starts with it.
  EXPECT_EQ(post_reload(daemon, {{"Authorization", "Bearer s3cret s3cret"}}).status, 403);
  EXPECT_EQ(occurrences(daemon.log(), kReloadStarted), 0u) << "refused requests must not reload:\n" << daemon.log();

  const auto allowed = post_reload(daemon, kRightToken);
  ASSERT_EQ(allowed.status, 200) << allowed.body << allowed.error << "\n" << daemon.log();
  EXPECT_EQ(allowed.json().value("status", ""), "ok") << allowed.body;
  EXPECT_EQ(occurrences(daemon.log(), kReloadStarted), 1u) << daemon.log();

  primary = poll_member(daemon, "primary", warns_about_connections, kEffectLimit);
  EXPECT_TRUE(warns_about_connections(primary)) << "the edited threshold is not in force: " << primary.dump();
  EXPECT_EQ(reload_successful(daemon), 1.0);
}

// `curl -X POST URL` sends neither Content-Length nor Transfer-Encoding: by HTTP/1.1 that is a
// request without a body, and it must be judged at once, not after a wait for a body.
TEST_F(AdminReload, PostWithoutContentLengthIsAnsweredAtOnce) {
  DaemonUnderTest daemon(dir_, config_);
  const std::string request = "POST /-/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(raw_status_line(daemon.port(), request + "\r\n", 10s), "HTTP/1.1 401 Unauthorized");
  EXPECT_LT(seconds_since(started), 2.0);
  EXPECT_EQ(raw_status_line(daemon.port(), request + "Authorization: Bearer s3cret\r\n\r\n", 10s), "HTTP/1.1 200 OK")
      << daemon.log();
  EXPECT_LT(seconds_since(started), 4.0);
  EXPECT_EQ(occurrences(daemon.log(), "configuration reloaded"), 1u) << daemon.log();
}

TEST_F(AdminReload, SighupAppliesTheEditedFile) {
  DaemonUnderTest daemon(dir_, with_tiny_connections_warning());
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  Json primary = poll_member(daemon, "primary", warns_about_connections, kEffectLimit);
  ASSERT_TRUE(warns_about_connections(primary)) << primary.dump();

  rewrite_config(daemon, config_);  // back to the default connections thresholds
  daemon.signal(SIGHUP);

  primary = poll_member(daemon, "primary", healthy_without_connections_reason, kEffectLimit);
  EXPECT_TRUE(healthy_without_connections_reason(primary)) << "the edited file is not in force: " << primary.dump()
                                                           << "\n" << daemon.log();
  EXPECT_EQ(occurrences(daemon.log(), kReloadStarted), 1u) << daemon.log();
  EXPECT_EQ(reload_successful(daemon), 1.0);
}

TEST_F(AdminReload, ABrokenFileIsRefusedAndTheRunningConfigStays) {
  DaemonUnderTest daemon(dir_, config_);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  ASSERT_EQ(reload_successful(daemon), 1.0);

  // A valid threshold change next to an unknown key: nothing of the file may be applied.
  rewrite_config(daemon, with_tiny_connections_warning(), "bogus_key: 1\n");
  const auto refused = post_reload(daemon, kRightToken);
  EXPECT_NE(refused.status, 200);
  EXPECT_EQ(refused.status / 100, 5) << "the request was fine; the file was not";
  const std::string error = refused.json().value("error", "");
  EXPECT_NE(error.find(daemon.config_path() + ":"), std::string::npos) << "names the file: " << refused.body;
  EXPECT_NE(error.find("bogus_key"), std::string::npos) << "and the key: " << refused.body;

  EXPECT_TRUE(testing::poll_until([&] { return reload_successful(daemon) == 0.0; }, 5s, 50ms))
      << daemon.get("/metrics").body;
  EXPECT_TRUE(daemon.running());

  // Cycles after the refusal still judge with the old thresholds.
  const std::string refused_at = checked_at(member_of(daemon.health(), "primary"));
  Json primary = poll_member(daemon, "primary", [&](const Json& m) { return checked_at(m) != refused_at; }, kEffectLimit);
  EXPECT_NE(checked_at(primary), refused_at) << "no cycle after the refused reload";
  EXPECT_TRUE(healthy_without_connections_reason(primary)) << primary.dump();
  EXPECT_EQ(daemon.get("/health").status, 200);

  // SIGHUP goes through the same validation.
  daemon.signal(SIGHUP);
  EXPECT_TRUE(testing::poll_until([&] { return occurrences(daemon.log(), kReloadStarted) == 2; }, 5s, 50ms));
  EXPECT_TRUE(testing::poll_until([&] { return occurrences(daemon.log(), "keeping the running configuration") == 2; },
                                  5s, 50ms))
      << daemon.log();
  EXPECT_EQ(reload_successful(daemon), 0.0);
  EXPECT_TRUE(daemon.running());

  // Once the file is fixed, a reload succeeds and the gauge recovers.
  rewrite_config(daemon, with_tiny_connections_warning());
  const auto accepted = post_reload(daemon, kRightToken);
  EXPECT_EQ(accepted.status, 200) << accepted.body << accepted.error;
  EXPECT_TRUE(testing::poll_until([&] { return reload_successful(daemon) == 1.0; }, 5s, 50ms));
  primary = poll_member(daemon, "primary", warns_about_connections, kEffectLimit);
  EXPECT_TRUE(warns_about_connections(primary)) << primary.dump();
}

}  // namespace
}  // namespace pgvigil::acceptance
