// `pgvigil migrate ...`: schema migrations for the databases pgvigil watches (see migrate/).
#pragma once

#include <span>
#include <string_view>

namespace pgvigil::app {

// `args` are the words after "migrate". Returns the exit code (migrate/exit_codes.h).
int run_migrate(std::span<const std::string_view> args);

}  // namespace pgvigil::app
