#include "util/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <ctime>

namespace pgvigil {
namespace {

// {"ts":"2026-01-01T00:00:00.000Z","level":"info","thread":123,"msg":"..."}
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
    const std::time_t t = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string text = json_escape(std::string_view(msg.payload.data(), msg.payload.size()));
    fmt::format_to(std::back_inserter(dest), R"({{"ts":"{}.{:03}Z","level":"{}","thread":{},"msg":"{}"}})", stamp,
                   millis, std::string_view(level.data(), level.size()), msg.thread_id, text);
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  if (name == "warn") name = "warning";  // spdlog spells it "warning"; accept both
  for (int i = 0; i < spdlog::level::n_levels; ++i) {
    const auto level = static_cast<spdlog::level::level_enum>(i);
    const auto text = spdlog::level::to_string_view(level);
    if (name == std::string_view(text.data(), text.size())) return level;
  }
  return std::nullopt;
}

void configure_logging(config::LogFormat format, spdlog::level::level_enum level) {
  static auto logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto l = std::make_shared<spdlog::logger>("pgvigil", sink);
    spdlog::set_default_logger(l);
    return l;
  }();
  if (format == config::LogFormat::json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v"));
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  return out;
}

}  // namespace pgvigil
