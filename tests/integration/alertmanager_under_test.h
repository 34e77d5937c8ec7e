// A real Alertmanager (Debian's prometheus-alertmanager) of the test's own: config, storage and a
// listener on 127.0.0.1, clustering off. Killed, with its group, when the object goes.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "daemon_under_test.h"

namespace pgvigil::acceptance {

class AlertmanagerUnderTest {
 public:
  AlertmanagerUnderTest() {
    // Every alert goes to a receiver that sends nothing: the test reads the API, not a pager.
    dir_.write("alertmanager.yml",
               "route:\n  receiver: blackhole\n  group_wait: 1s\n"
               "receivers:\n  - name: blackhole\n");
    for (int attempt = 1;; ++attempt) {
      port_ = testing::free_port();
      process_.emplace(testing::Subprocess::spawn(
          {"/usr/bin/prometheus-alertmanager", "--config.file=" + dir_ / "alertmanager.yml",
           "--storage.path=" + dir_ / "data", "--web.listen-address=127.0.0.1:" + std::to_string(port_),
           "--cluster.listen-address=", "--log.level=warn"},
          {}, dir_ / "alertmanager.log"));
      const bool ready = testing::poll_until(
          [&] { return !process_->running() || get("/-/ready").status == 200; }, 20s, 50ms);
      if (ready && process_->running()) return;
      if (attempt < 3 && log().find("address already in use") != std::string::npos) continue;
      throw std::runtime_error("alertmanager did not become ready:\n" + log());
    }
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  HttpReply get(const std::string& path) const { return http_get(port_, path); }
  std::string log() const { return testing::read_file(dir_ / "alertmanager.log"); }

  // The alerts Alertmanager holds whose labels include alertname `name` (active ones, as its
  // API lists them); an empty array when there are none or the answer is not JSON.
  Json alerts_named(const std::string& name) const {
    const Json all = get("/api/v2/alerts").json();
    Json matching = Json::array();
    if (!all.is_array()) return matching;
    for (const auto& alert : all) {
      if (alert.contains("labels") && alert["labels"].value("alertname", "") == name) matching.push_back(alert);
    }
    return matching;
  }

 private:
  TempDir dir_;  // declared first: the process (below) is killed before its files go
  int port_ = 0;
  std::optional<testing::Subprocess> process_;
};

}  // namespace pgvigil::acceptance
