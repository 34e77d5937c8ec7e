// The HTTP server over real loopback sockets: JSON and HEAD answers, the metrics content type,
// admin-token rules with a token file, keep-alive, limits, start-up failures, stop, and HTTPS
// with a freshly generated self-signed certificate.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http_server_fixture.h"

namespace pgvigil {
namespace {

using http::HttpServer;
using nlohmann::json;
using test::status;

class HttpServerTest : public test::HttpServerFixture {};

TEST_F(HttpServerTest, ServesHealthJson) {
  auto server = start();
  ASSERT_TRUE(server);
  EXPECT_GT(server->port(), 0);
  EXPECT_FALSE(server->tls());
  auto c = client(*server);
  auto r = c.Get("/health");
  ASSERT_EQ(status(r), 200) << httplib::to_string(r.error());
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  const json doc = json::parse(r->body);
  EXPECT_EQ(doc["status"], "healthy");
  EXPECT_EQ(doc["clusters"][0]["primary"], "db1");
  EXPECT_EQ(status(c.Get("/clusters/main/members/db1/primary")), 200);
  EXPECT_EQ(status(c.Get("/clusters/main/members/db1/replica")), 503);
}

TEST_F(HttpServerTest, AnswersFollowTheLatestSnapshot) {
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  EXPECT_EQ(status(c.Get("/readyz")), 200);
  store_.publish(std::make_shared<health::Snapshot>());
  EXPECT_EQ(status(c.Get("/readyz")), 503);
  EXPECT_EQ(status(c.Get("/health")), 503);
}

TEST_F(HttpServerTest, HeadHasTheStatusAndNoBody) {
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  for (const auto& [path, expected] : {std::pair{"/health", 200}, {"/clusters/main/members/db1/replica", 503}}) {
    auto r = c.Head(path);
    EXPECT_EQ(status(r), expected) << path;
    EXPECT_TRUE(r && r->body.empty()) << path;
  }
}

TEST_F(HttpServerTest, MetricsContentType) {
  auto server = start();
  ASSERT_TRUE(server);
  auto r = client(*server).Get("/metrics");
  ASSERT_EQ(status(r), 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->body, "pgvigil_up 1\n");
}

TEST_F(HttpServerTest, ErrorsAreJson) {
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  auto missing = c.Get("/nope");
  ASSERT_EQ(status(missing), 404);
  EXPECT_TRUE(json::parse(missing->body).contains("error"));
  auto wrong_method = c.Delete("/health");
  ASSERT_EQ(status(wrong_method), 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(status(c.Get("/clusters/main/members/db1/replica?max_lag=lots")), 400);
}

TEST_F(HttpServerTest, ReloadWithATokenFileWithSurroundingWhitespace) {
  config_.admin_token_file = dir_.write("token", "  s3cret\n\n");
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  EXPECT_EQ(status(c.Post("/-/reload")), 401);
  EXPECT_EQ(status(c.Post("/-/reload", {{"Authorization", "Bearer wrong"}}, "", "text/plain")), 403);
  EXPECT_EQ(reloads_.load(), 0);
  auto ok = c.Post("/-/reload", {{"Authorization", "Bearer s3cret"}}, "", "text/plain");
  ASSERT_EQ(status(ok), 200);
  EXPECT_EQ(json::parse(ok->body)["status"], "ok");
  EXPECT_EQ(reloads_.load(), 1);
}

TEST_F(HttpServerTest, ReloadIsForbiddenWithoutATokenFile) {
  auto server = start();
  ASSERT_TRUE(server);
  EXPECT_EQ(status(client(*server).Post("/-/reload", {{"Authorization", "Bearer x"}}, "", "text/plain")), 403);
  EXPECT_EQ(reloads_.load(), 0);
}

TEST_F(HttpServerTest, KeepAliveReusesOneConnection) {
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  c.set_keep_alive(true);
  std::atomic<int> sockets{0};
  c.set_socket_options([&](auto) { ++sockets; });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status(c.Get("/livez")), 200);
  EXPECT_EQ(sockets.load(), 1);
}

// With Nagle's algorithm on, each kept-alive answer waits for a delayed ACK (~40 ms here):
// 20 requests took over 800 ms that way, against a few ms with TCP_NODELAY.
TEST_F(HttpServerTest, KeptAliveAnswersAreNotHeldBack) {
  auto server = start();
  ASSERT_TRUE(server);
  auto c = client(*server);
  c.set_keep_alive(true);
  const auto begun = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.Get("/health"));
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::milliseconds(400));
}

TEST_F(HttpServerTest, ManyConcurrentClientsOnASmallPool) {
  auto server = start(2);
  ASSERT_TRUE(server);
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> clients;
    for (int i = 0; i < 8; ++i) {
      clients.emplace_back([&] {
        auto c = client(*server);
        for (int j = 0; j < 20; ++j) {
          if (status(c.Get("/clusters/main/primary")) == 200) ++ok;
        }
      });
    }
  }
  EXPECT_EQ(ok.load(), 160);
}

TEST_F(HttpServerTest, OversizedBodyIsRejected) {
  config_.admin_token_file = dir_.write("token", "s3cret");
  auto server = start();
  ASSERT_TRUE(server);
  const std::string body(HttpServer::kMaxPayloadBytes + 1, 'x');
  auto r = client(*server).Post("/-/reload", {{"Authorization", "Bearer s3cret"}}, body, "text/plain");
  ASSERT_EQ(status(r), 413);
  EXPECT_EQ(json::parse(r->body)["error"], "request body too large");
  EXPECT_EQ(reloads_.load(), 0);
}

TEST_F(HttpServerTest, StartFailures) {
  const auto fails = [&](const std::string& expected_in_message) {
    auto server = HttpServer::start(config_, hooks());
    ASSERT_FALSE(server);
    EXPECT_NE(server.error().find(expected_in_message), std::string::npos) << server.error();
  };
  config_.listen = "127.0.0.1";
  fails("http.listen");
  config_.listen = "127.0.0.1:0";
  config_.admin_token_file = dir_ / "absent";
  fails("admin_token_file");
  config_.admin_token_file.clear();
  config_.tls.cert_file = dir_.write("cert.pem", "not a certificate");
  fails("cert_file and key_file");
  config_.tls.key_file = dir_.write("key.pem", "not a key");
  fails("cannot load");
  config_.tls = {};

  auto taken = start();
  ASSERT_TRUE(taken);
  config_.listen = "127.0.0.1:" + std::to_string(taken->port());
  fails("cannot listen on 127.0.0.1:" + std::to_string(taken->port()));
}

TEST_F(HttpServerTest, StopsPromptlyAndOnlyOnce) {
  for (int i = 0; i < 20; ++i) {  // right after start is where the library ignores a stop
    auto server = start();
    ASSERT_TRUE(server);
    const auto begun = std::chrono::steady_clock::now();
    server->stop();
    server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(1));
  }
  auto server = start();
  ASSERT_TRUE(server);
  const int port = server->port();
  server.reset();
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  EXPECT_FALSE(c.Get("/livez")) << "nothing listens after the destructor";
}

TEST_F(HttpServerTest, ServesHttpsWithASelfSignedCertificate) {
  const std::string cert = dir_ / "cert.pem";
  const std::string key = dir_ / "key.pem";
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout '" +
                              key + "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  config_.tls = {cert, key};
  for (int i = 0; metrics_body_.size() < 8'000'000; ++i) metrics_body_ += "pgvigil_sample{i=\"" + std::to_string(i) + "\"} 1\n";
  auto server = start();
  ASSERT_TRUE(server);
  EXPECT_TRUE(server->tls());

  httplib::SSLClient secure("127.0.0.1", server->port());
  secure.enable_server_certificate_verification(false);
  secure.set_connection_timeout(2, 0);
  auto r = secure.Get("/livez");
  ASSERT_EQ(status(r), 200) << httplib::to_string(r.error());
  EXPECT_EQ(json::parse(r->body)["status"], "ok");
  auto big = secure.Get("/metrics");  // more than a socket takes at once: finished by the loop
  ASSERT_EQ(status(big), 200) << httplib::to_string(big.error());
  EXPECT_EQ(big->body, metrics_body_);

  auto plain = client(*server);
  plain.set_read_timeout(1, 0);
  EXPECT_NE(status(plain.Get("/livez")), 200) << "plain HTTP must not be answered on an HTTPS port";
}

}  // namespace
}  // namespace pgvigil
