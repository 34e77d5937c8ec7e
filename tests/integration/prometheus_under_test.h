// A real Prometheus (Debian's package) of the test's own: config, TSDB and a listener on
// 127.0.0.1, scraping one pgvigil every second as job "pgvigil", optionally evaluating rule files
// and sending their alerts to an Alertmanager. Killed, with its group, when the object goes, even
// if the test failed.
#pragma once

#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon_under_test.h"

namespace pgvigil::acceptance {

struct PrometheusOptions {
  std::vector<std::string> rule_files{};  // absolute paths
  std::string alertmanager_url{};         // "http://127.0.0.1:PORT"; empty: alerts go nowhere
};

class PrometheusUnderTest {
 public:
  explicit PrometheusUnderTest(int target_port, const PrometheusOptions& options = {}) {
    dir_.write("prometheus.yml", config(target_port, options));
    for (int attempt = 1;; ++attempt) {
      port_ = testing::free_port();
      std::vector<std::string> argv{"/usr/bin/prometheus", "--config.file=" + dir_ / "prometheus.yml",
                                    "--storage.tsdb.path=" + dir_ / "tsdb",
                                    "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"};
      // The default waits a minute between notifications of a firing alert; a test cannot.
      if (!options.rule_files.empty()) argv.push_back("--rules.alert.resend-delay=1s");
      process_.emplace(testing::Subprocess::spawn(argv, {}, dir_ / "prometheus.log"));
      const bool ready = testing::poll_until(
          [&] { return !process_->running() || get("/-/ready").status == 200; }, 20s, 50ms);
      if (ready && process_->running()) return;
      // Another process may have taken the port between free_port() and the bind.
      if (attempt < 3 && log().find("address already in use") != std::string::npos) continue;
      throw std::runtime_error("prometheus did not become ready:\n" + log());
    }
  }

  HttpReply get(const std::string& path) const { return http_get(port_, path); }
  std::string log() const { return testing::read_file(dir_ / "prometheus.log"); }

  // GET /api/v1/query for `promql`, evaluated now.
  HttpReply query(const std::string& promql) const { return get("/api/v1/query?query=" + url_encoded(promql)); }

 private:
  static std::string config(int target_port, const PrometheusOptions& options) {
    std::string yaml = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n";
    if (!options.rule_files.empty()) {
      yaml += "rule_files:\n";
      for (const auto& file : options.rule_files) yaml += "  - " + file + "\n";
    }
    if (!options.alertmanager_url.empty()) {
      const std::string host = options.alertmanager_url.substr(options.alertmanager_url.find("://") + 3);
      yaml += "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['" + host + "']\n";
    }
    yaml += "scrape_configs:\n  - job_name: pgvigil\n    static_configs:\n"
            "      - targets: ['127.0.0.1:" + std::to_string(target_port) + "']\n";
    return yaml;
  }

  static std::string url_encoded(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char raw : text) {
      const auto c = static_cast<unsigned char>(raw);
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += raw;
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  }

  TempDir dir_;  // declared first: the process (below) is killed before its files go
  int port_ = 0;
  std::optional<testing::Subprocess> process_;
};

// The result of a successful /api/v1/query answer (an instant vector's array of samples); an
// empty array otherwise.
inline Json query_result(const HttpReply& reply) {
  const Json answer = reply.json();
  if (!answer.is_object() || answer.value("status", "") != "success") return Json::array();
  return answer.value("data", Json::object()).value("result", Json::array());
}

}  // namespace pgvigil::acceptance
