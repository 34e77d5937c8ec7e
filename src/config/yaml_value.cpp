#include "config/yaml_value.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace pgvigil::config {
namespace {

// The scalar's text after ${VAR} interpolation; `expected` completes "expected ..., found ...".
std::optional<std::string> scalar_text(const Field& field, LoadContext& ctx, std::string_view expected) {
  if (!field.node.IsScalar()) {
    ctx.diag.error(field.line, field.path,
                   fmt::format("expected {}, found {}", expected, describe_kind(field.node)));
    return std::nullopt;
  }
  auto text = interpolate_env(field.node.Scalar(), ctx.env);
  if (!text) {
    ctx.diag.error(field.line, field.path, text.error());
    return std::nullopt;
  }
  return std::move(*text);
}

template <typename T>
bool parse_whole(std::string_view text, T& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

int line_of(const YAML::Node& node, int fallback) {
  if (!node.IsDefined() || node.IsNull()) return fallback;
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? fallback : mark.line + 1;
}

std::string describe_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

std::optional<std::vector<Field>> read_list(const Field& field, LoadContext& ctx) {
  if (!field.node.IsSequence()) {
    ctx.diag.error(field.line, field.path, "expected a list, found " + describe_kind(field.node));
    return std::nullopt;
  }
  std::vector<Field> items;
  std::size_t index = 0;
  for (const auto& item : field.node) {
    items.push_back(Field{item, field.path + "[" + std::to_string(index) + "]", line_of(item, field.line)});
    ++index;
  }
  return items;
}

std::optional<std::string> read_string(const Field& field, LoadContext& ctx) {
  return scalar_text(field, ctx, "a string");
}

std::optional<bool> read_bool(const Field& field, LoadContext& ctx) {
  auto text = scalar_text(field, ctx, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  ctx.diag.error(field.line, field.path, "expected true or false, found '" + *text + "'");
  return std::nullopt;
}

std::optional<std::int64_t> read_integer(const Field& field, LoadContext& ctx, std::int64_t min, std::int64_t max) {
  auto text = scalar_text(field, ctx, "an integer");
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  if (!parse_whole(*text, value)) {
    ctx.diag.error(field.line, field.path, "expected an integer, found '" + *text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    ctx.diag.error(field.line, field.path, fmt::format("{} is out of range: must be {}..{}", value, min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_number(const Field& field, LoadContext& ctx, double min, double max) {
  auto text = scalar_text(field, ctx, "a number");
  if (!text) return std::nullopt;
  double value = 0;
  if (!parse_whole(*text, value) || !std::isfinite(value)) {
    ctx.diag.error(field.line, field.path, "expected a number, found '" + *text + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    ctx.diag.error(field.line, field.path, fmt::format("{} is out of range: must be {}..{}", value, min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> read_duration(const Field& field, LoadContext& ctx, Duration min) {
  auto text = scalar_text(field, ctx, "a duration such as 5s");
  if (!text) return std::nullopt;
  auto value = parse_duration(*text);
  if (!value) {
    ctx.diag.error(field.line, field.path,
                   "invalid duration '" + *text + "': expected a number and a unit (ms, s, m, h, d), e.g. 5s");
    return std::nullopt;
  }
  if (*value < min) {
    const std::string bound = min == kPositive ? "greater than 0s" : "at least " + format_duration(min);
    ctx.diag.error(field.line, field.path, "duration " + *text + " must be " + bound);
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> read_size(const Field& field, LoadContext& ctx, std::uint64_t min) {
  auto text = scalar_text(field, ctx, "a size such as 16MB");
  if (!text) return std::nullopt;
  auto value = parse_size(*text);
  if (!value) {
    ctx.diag.error(field.line, field.path,
                   "invalid size '" + *text + "': expected a number and a unit (B, kB, MB, GB, TB), e.g. 16MB");
    return std::nullopt;
  }
  if (*value < min) {
    ctx.diag.error(field.line, field.path, "size " + *text + " must be at least " + format_size(min));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> read_string_list(const Field& field, LoadContext& ctx) {
  auto items = read_list(field, ctx);
  if (!items) return std::nullopt;
  std::vector<std::string> values;
  bool ok = true;
  for (const auto& item : *items) {
    auto value = read_string(item, ctx);
    if (value) {
      values.push_back(std::move(*value));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

}  // namespace pgvigil::config
