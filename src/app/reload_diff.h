// Which settings differ between two configs but only take effect at start (the listen address,
// TLS files, the state directory). Pure.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace pgvigil::app {

std::vector<std::string> keys_needing_restart(const config::Config& running, const config::Config& next);

}  // namespace pgvigil::app
