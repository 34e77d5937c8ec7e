#include "alerts/alert.h"

#include <algorithm>
#include <array>

namespace pgvigil::alerts {
namespace {

constexpr std::array<std::string_view, 3> kSeverityNames = {"info", "warning", "critical"};

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

template <typename Map>
Map common_of(const std::vector<Notice>& notices, Map Notice::*field) {
  if (notices.empty()) return {};
  Map common = notices.front().*field;
  for (const auto& notice : notices) {
    std::erase_if(common, [&](const auto& entry) {
      auto it = (notice.*field).find(entry.first);
      return it == (notice.*field).end() || it->second != entry.second;
    });
  }
  return common;
}

}  // namespace

std::string_view to_string(AlertSeverity severity) { return kSeverityNames[static_cast<std::size_t>(severity)]; }

std::optional<AlertSeverity> parse_severity(std::string_view text) {
  auto it = std::ranges::find(kSeverityNames, text);
  if (it == kSeverityNames.end()) return std::nullopt;
  return static_cast<AlertSeverity>(it - kSeverityNames.begin());
}

std::string fingerprint(const Labels& labels) {
  constexpr std::string_view kSeparator = "\xff";
  std::uint64_t hash = kFnvOffset;
  for (const auto& [key, value] : labels) {
    hash = fnv1a(hash, key);
    hash = fnv1a(hash, kSeparator);
    hash = fnv1a(hash, value);
    hash = fnv1a(hash, kSeparator);
  }
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) out[15 - i] = kDigits[(hash >> (4 * i)) & 0xf];
  return out;
}

std::string_view to_string(NoticeStatus status) { return status == NoticeStatus::firing ? "firing" : "resolved"; }

Labels common_labels(const std::vector<Notice>& notices) { return common_of(notices, &Notice::labels); }

Annotations common_annotations(const std::vector<Notice>& notices) { return common_of(notices, &Notice::annotations); }

Notification make_notification(std::vector<Notice> alerts, std::string external_url) {
  Notification out;
  const bool firing = std::ranges::any_of(alerts, [](const Notice& n) { return n.status == NoticeStatus::firing; });
  out.status = firing ? NoticeStatus::firing : NoticeStatus::resolved;
  const Labels common = common_labels(alerts);
  if (auto it = common.find("cluster"); it != common.end()) out.group_labels.insert(*it);
  out.alerts = std::move(alerts);
  out.external_url = std::move(external_url);
  return out;
}

}  // namespace pgvigil::alerts
