// Checks of the database as a whole: lock waits (blocking), transaction ID wraparound, the
// shared-buffer cache hit ratio over the interval; and its size, a reading with no thresholds.
#pragma once

#include "health/checks/check.h"
#include "health/checks/judge.h"

namespace pgvigil::health {

extern const std::string_view kBlockingSql;
extern const std::string_view kWraparoundSql;
extern const std::string_view kCacheHitSql;
extern const std::string_view kDatabaseSizeSql;

void parse_blocking(const nlohmann::json& j, Observations& out);
void parse_wraparound(const nlohmann::json& j, Observations& out);
void parse_cache_hit(const nlohmann::json& j, Observations& out);
void parse_database_size(const nlohmann::json& j, Observations& out);

void evaluate_blocking(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_wraparound(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_cache_hit(const Observations& obs, const CheckContext& ctx, Evaluation& out);

// The hit ratio between two cumulative samples; nullopt when too few blocks were read to judge.
std::optional<double> cache_hit_between(std::pair<double, double> before, std::pair<double, double> after);

}  // namespace pgvigil::health
