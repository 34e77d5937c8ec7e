#include "util/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace pgvigil {

Backoff::Backoff(Duration base, Duration max, double multiplier)
    : base_(base), max_(std::max(max, base)), multiplier_(std::max(1.0, multiplier)) {}

Backoff::Duration Backoff::ceiling(int attempt) const {
  const double grown = static_cast<double>(base_.count()) * std::pow(multiplier_, std::max(0, attempt));
  const double capped = std::min(grown, static_cast<double>(max_.count()));
  return Duration(static_cast<Duration::rep>(capped));
}

Backoff::Duration Backoff::delay(int attempt, double unit_random) const {
  const double u = std::clamp(unit_random, 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(static_cast<double>(ceiling(attempt).count()) * u));
}

double unit_random() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace pgvigil
