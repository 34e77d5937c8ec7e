// One YAML map read strictly: every key may appear once, and every key must be taken by the
// loader; whatever is left is reported as unknown, listing the keys that would have been
// accepted. Duplicate keys, which yaml-cpp accepts silently, are reported with both lines.
// Not thread-safe: one per map, used during one load.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/yaml_value.h"

namespace pgvigil::config {

class StrictMap {
 public:
  // Records an error if `field` is not a map; the StrictMap then behaves as an empty one.
  StrictMap(const Field& field, LoadContext& ctx);

  bool is_map() const { return is_map_; }
  const Field& self() const { return self_; }
  LoadContext& context() const { return ctx_; }

  // The value under `key`, marking the key as known and consumed.
  std::optional<Field> take(std::string_view key);
  bool contains(std::string_view key) const;
  // Every key in file order, taken or not (for maps keyed by names, like health.checks).
  std::vector<std::string> keys() const;
  // Line of the value under `key`, or of the map itself when the key is absent.
  int line_of(std::string_view key) const;
  std::string path_of(std::string_view key) const;

  // Typed reads: `out` changes only when the key is present and its value valid.
  // Each returns whether it assigned.
  bool read(std::string_view key, std::string& out);
  bool read(std::string_view key, bool& out);
  bool read(std::string_view key, int& out, int min, int max);
  bool read(std::string_view key, double& out, double min, double max);
  bool read(std::string_view key, Duration& out, Duration min);
  bool read_size(std::string_view key, std::uint64_t& out, std::uint64_t min);
  bool read(std::string_view key, std::vector<std::string>& out);
  // A map of strings to strings (e.g. HTTP headers), itself read strictly for duplicates.
  bool read(std::string_view key, std::map<std::string, std::string>& out);

  // An enumeration written as one of `choices`' names.
  template <typename E>
  bool read_choice(std::string_view key, std::span<const std::pair<std::string_view, E>> choices, E& out);

  // Records an error for every key not taken. Call after all known keys were taken.
  void reject_unknown_keys();

 private:
  struct Entry {
    std::string key;
    Field value;
    int key_line = 0;
    bool taken = false;
  };

  const Entry* find(std::string_view key) const;
  void report_not_one_of(const Field& value, std::string_view text, const std::vector<std::string_view>& names);

  Field self_;
  LoadContext& ctx_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;  // every key asked for, for "expected one of" hints
};

template <typename E>
bool StrictMap::read_choice(std::string_view key, std::span<const std::pair<std::string_view, E>> choices, E& out) {
  auto value = take(key);
  if (!value) return false;
  auto text = read_string(*value, ctx_);
  if (!text) return false;
  std::vector<std::string_view> names;
  for (const auto& [name, choice] : choices) {
    if (*text == name) {
      out = choice;
      return true;
    }
    names.push_back(name);
  }
  report_not_one_of(*value, *text, names);
  return false;
}

}  // namespace pgvigil::config
