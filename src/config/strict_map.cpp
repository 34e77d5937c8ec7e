#include "config/strict_map.h"

#include <algorithm>

namespace pgvigil::config {
namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

StrictMap::StrictMap(const Field& field, LoadContext& ctx) : self_(field), ctx_(ctx) {
  if (!field.node.IsMap()) {
    ctx_.diag.error(field.line, field.path, "expected a map, found " + describe_kind(field.node));
    return;
  }
  is_map_ = true;
  for (const auto& entry : field.node) {
    const YAML::Node& key = entry.first;
    const int key_line = config::line_of(key, field.line);
    if (!key.IsScalar()) {
      ctx_.diag.error(key_line, field.path, "map keys must be plain names, found " + describe_kind(key));
      continue;
    }
    const std::string name = key.Scalar();
    const std::string path = field.path.empty() ? name : field.path + "." + name;
    if (const Entry* first = find(name)) {
      ctx_.diag.error(key_line, path, "duplicate key (first defined at line " + std::to_string(first->key_line) + ")");
      continue;
    }
    entries_.push_back(Entry{name, Field{entry.second, path, config::line_of(entry.second, key_line)}, key_line, false});
  }
}

const StrictMap::Entry* StrictMap::find(std::string_view key) const {
  auto it = std::ranges::find(entries_, key, &Entry::key);
  return it == entries_.end() ? nullptr : &*it;
}

std::optional<Field> StrictMap::take(std::string_view key) {
  if (std::ranges::find(known_, key) == known_.end()) known_.emplace_back(key);
  auto it = std::ranges::find(entries_, key, &Entry::key);
  if (it == entries_.end()) return std::nullopt;
  it->taken = true;
  return it->value;
}

bool StrictMap::contains(std::string_view key) const { return find(key) != nullptr; }

std::vector<std::string> StrictMap::keys() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_) out.push_back(entry.key);
  return out;
}

int StrictMap::line_of(std::string_view key) const {
  const Entry* entry = find(key);
  return entry ? entry->value.line : self_.line;
}

std::string StrictMap::path_of(std::string_view key) const {
  return self_.path.empty() ? std::string(key) : self_.path + "." + std::string(key);
}

bool StrictMap::read(std::string_view key, std::string& out) {
  auto value = take(key);
  if (!value) return false;
  auto text = read_string(*value, ctx_);
  if (!text) return false;
  out = std::move(*text);
  return true;
}

bool StrictMap::read(std::string_view key, bool& out) {
  auto value = take(key);
  if (!value) return false;
  auto flag = read_bool(*value, ctx_);
  if (!flag) return false;
  out = *flag;
  return true;
}

bool StrictMap::read(std::string_view key, int& out, int min, int max) {
  auto value = take(key);
  if (!value) return false;
  auto number = read_integer(*value, ctx_, min, max);
  if (!number) return false;
  out = static_cast<int>(*number);
  return true;
}

bool StrictMap::read(std::string_view key, double& out, double min, double max) {
  auto value = take(key);
  if (!value) return false;
  auto number = read_number(*value, ctx_, min, max);
  if (!number) return false;
  out = *number;
  return true;
}

bool StrictMap::read(std::string_view key, Duration& out, Duration min) {
  auto value = take(key);
  if (!value) return false;
  auto duration = read_duration(*value, ctx_, min);
  if (!duration) return false;
  out = *duration;
  return true;
}

bool StrictMap::read_size(std::string_view key, std::uint64_t& out, std::uint64_t min) {
  auto value = take(key);
  if (!value) return false;
  auto size = config::read_size(*value, ctx_, min);
  if (!size) return false;
  out = *size;
  return true;
}

bool StrictMap::read(std::string_view key, std::vector<std::string>& out) {
  auto value = take(key);
  if (!value) return false;
  auto list = read_string_list(*value, ctx_);
  if (!list) return false;
  out = std::move(*list);
  return true;
}

bool StrictMap::read(std::string_view key, std::map<std::string, std::string>& out) {
  auto value = take(key);
  if (!value) return false;
  StrictMap inner(*value, ctx_);
  if (!inner.is_map()) return false;
  std::map<std::string, std::string> result;
  bool ok = true;
  for (const auto& name : inner.keys()) {
    std::string text;
    if (inner.read(name, text)) {
      result.emplace(name, std::move(text));
    } else {
      ok = false;
    }
  }
  if (!ok) return false;
  out = std::move(result);
  return true;
}

void StrictMap::report_not_one_of(const Field& value, std::string_view text, const std::vector<std::string_view>& names) {
  ctx_.diag.error(value.line, value.path, "unknown value '" + std::string(text) + "': expected one of " + join(names));
}

void StrictMap::reject_unknown_keys() {
  std::vector<std::string_view> known(known_.begin(), known_.end());
  for (const auto& entry : entries_) {
    if (entry.taken) continue;
    std::string message = "unknown key '" + entry.key + "'";
    if (!known.empty()) message += "; expected one of " + join(known);
    ctx_.diag.error(entry.key_line, entry.value.path, message);
  }
}

}  // namespace pgvigil::config
