#include "app/cli.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

#include "app/daemon.h"
#include "app/migrate_command.h"
#include "app/options.h"
#include "app/signals.h"
#include "config/loader.h"
#include "util/ctype_cache.h"
#include "util/logging.h"

namespace pgvigil::app {
namespace {

void print_errors(const std::vector<config::ConfigError>& errors) {
  for (const auto& error : errors) std::cerr << error.to_string() << '\n';
}

int check_config(const std::string& path) {
  auto loaded = config::load_config_file(path);
  if (!loaded) {
    print_errors(loaded.error());
    return kExitConfig;
  }
  for (const auto& warning : loaded->warnings) std::cerr << "warning: " << warning << '\n';
  std::cout << "OK\n";
  return kExitOk;
}

int run_daemon(const Options& options) {
  std::optional<spdlog::level::level_enum> level;
  if (options.log_level) {
    level = parse_log_level(*options.log_level);
    if (!level) {
      std::cerr << "pgvigil: unknown log level: " << *options.log_level << '\n';
      return kExitUsage;
    }
  }
  const bool once = options.command == Command::once;
  // Before any thread exists (see util/ctype_cache.h).
  fill_ctype_narrow_cache();
  auto loaded = config::load_config_file(options.config_path);
  if (!loaded) {
    print_errors(loaded.error());
    return once ? kExitOnceError : kExitConfig;
  }
  configure_logging(loaded->config.daemon.log.format, level.value_or(spdlog::level::info));
  for (const auto& warning : loaded->warnings) spdlog::warn("{}", warning);
  if (once) {
    // One cycle, then out: log only problems so stdout/stderr stay readable for a check runner.
    Daemon daemon(std::move(loaded->config), level.value_or(spdlog::level::warn), real_clock());
    return daemon.run_once();
  }
  // Before any thread exists, so that every thread inherits the blocked mask.
  block_signals();
  Daemon daemon(std::move(loaded->config), level, real_clock());
  return daemon.run();
}

}  // namespace

int run_cli(int argc, const char* const* argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "migrate") {
    const std::vector<std::string_view> args(argv + 2, argv + argc);
    return run_migrate(args);
  }
  auto options = parse_options(std::span<const char* const>(argv, static_cast<size_t>(argc)));
  if (!options) {
    std::cerr << "pgvigil: " << options.error() << '\n' << usage();
    return kExitUsage;
  }
  switch (options->command) {
    case Command::version: std::cout << "pgvigil " << PGVIGIL_VERSION << '\n'; return kExitOk;
    case Command::help: std::cout << usage(); return kExitOk;
    case Command::check_config: return check_config(options->config_path);
    case Command::once:
    case Command::run: return run_daemon(*options);
  }
  return kExitFailure;
}

}  // namespace pgvigil::app
