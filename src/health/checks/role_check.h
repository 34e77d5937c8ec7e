// The checks every cycle runs whatever the config says about others: role (and privileges) and
// connectivity (the round trip of the cycle's statement).
#pragma once

#include "health/checks/check.h"
#include "health/checks/judge.h"

namespace pgvigil::health {

extern const std::string_view kRoleSql;
void parse_role(const nlohmann::json& j, Observations& out);
void evaluate_role(const Observations& obs, const CheckContext& ctx, Evaluation& out);
void evaluate_connectivity(const Observations& obs, const CheckContext& ctx, Evaluation& out);

}  // namespace pgvigil::health
