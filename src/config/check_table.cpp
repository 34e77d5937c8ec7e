#include "config/check_table.h"

#include <algorithm>
#include <array>

namespace pgvigil::config {
namespace {

constexpr double kMB = 1024.0 * 1024.0;
constexpr double kGB = 1024.0 * kMB;

using enum ThresholdKind;
using enum Direction;

// name, kind, direction, enabled, warning, critical, bytes?, warning_bytes, critical_bytes,
// table?, costly
const std::array kChecks = {
    CheckSpec{"connectivity", duration, higher_is_worse, true, 0.1, std::nullopt, false, {}, {}, false, false},
    CheckSpec{"role", none, higher_is_worse, true, {}, {}, false, {}, {}, false, false},
    CheckSpec{"replication_lag", duration, higher_is_worse, true, 10.0, 60.0, true, 16 * kMB, 256 * kMB, false, false},
    CheckSpec{"replication_slots", bytes, higher_is_worse, true, 1 * kGB, 10 * kGB, false, {}, {}, false, true},
    CheckSpec{"wal", bytes, higher_is_worse, true, std::nullopt, std::nullopt, false, {}, {}, false, true},
    CheckSpec{"connections", ratio, higher_is_worse, true, 0.75, 0.90, false, {}, {}, false, false},
    CheckSpec{"long_running", duration, higher_is_worse, true, 300.0, 1800.0, false, {}, {}, false, false},
    CheckSpec{"idle_in_transaction", duration, higher_is_worse, true, 300.0, 900.0, false, {}, {}, false, false},
    CheckSpec{"blocking", duration, higher_is_worse, true, 30.0, 300.0, false, {}, {}, false, true},
    CheckSpec{"wraparound", ratio, higher_is_worse, true, 0.50, 0.75, false, {}, {}, false, true},
    CheckSpec{"prepared_xacts", duration, higher_is_worse, true, 300.0, 3600.0, false, {}, {}, false, false},
    CheckSpec{"archiver", duration, higher_is_worse, true, 0.0, 900.0, false, {}, {}, false, true},
    CheckSpec{"cache_hit", ratio, lower_is_worse, true, 0.95, 0.90, false, {}, {}, false, false},
    CheckSpec{"write_probe", duration, higher_is_worse, false, 1.0, std::nullopt, false, {}, {}, true, false},
};

}  // namespace

std::span<const CheckSpec> check_specs() { return kChecks; }

const CheckSpec* find_check_spec(std::string_view name) {
  auto it = std::ranges::find(kChecks, name, &CheckSpec::name);
  return it == kChecks.end() ? nullptr : &*it;
}

}  // namespace pgvigil::config
