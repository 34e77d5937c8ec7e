// An HTTP server on a loopback port with one healthy cluster published and hooks that count
// reloads, for the tests of the listener itself (no database behind it).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <httplib.h>

#include "health/snapshot_store.h"
#include "http/server.h"

namespace pgvigil::test {

class HttpTempDir {
 public:
  HttpTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pgvigil-http-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~HttpTempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline health::SnapshotPtr one_cluster_snapshot() {
  auto s = std::make_shared<health::Snapshot>();
  s->version = "0.1.0";
  s->ready = true;
  health::MemberSnapshot db1;
  db1.name = "db1";
  db1.role = health::MemberRole::primary;
  db1.reachable = true;
  db1.checked = true;
  db1.status = health::Status::healthy;
  health::ClusterSnapshot main;
  main.name = "main";
  main.status = health::Status::healthy;
  main.primary = "db1";
  main.members = {db1};
  s->clusters = {std::make_shared<const health::ClusterSnapshot>(main)};
  return s;
}

// The status of an answer, or -1 when there was none (so a failed connection fails the test
// instead of crashing it).
inline int status(const httplib::Result& result) { return result ? result->status : -1; }

class HttpServerFixture : public ::testing::Test {
 protected:
  HttpServerFixture() {
    store_.publish(one_cluster_snapshot());
    config_.listen = "127.0.0.1:0";
  }

  http::Hooks hooks() {
    http::Hooks h;
    h.snapshot = [this] { return store_.current(); };
    h.metrics_text = [this] { return metrics_body_; };
    h.reload = [this] {
      ++reloads_;
      return std::pair<bool, std::string>{true, ""};
    };
    return h;
  }

  std::unique_ptr<http::HttpServer> start(int threads = 8) {
    auto server = http::HttpServer::start(config_, hooks(), threads);
    EXPECT_TRUE(server) << server.error();
    return server ? std::move(*server) : nullptr;
  }

  static httplib::Client client(const http::HttpServer& server) {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(5, 0);
    return c;
  }

  health::SnapshotStore store_;
  config::HttpConfig config_;
  std::atomic<int> reloads_{0};
  std::string metrics_body_ = "pgvigil_up 1\n";  // set before start()
  HttpTempDir dir_;
};

}  // namespace pgvigil::test
