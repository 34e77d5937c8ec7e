#include "app/options.h"

#include <string_view>

namespace pgvigil::app {

std::string usage() {
  return "usage: pgvigil --config FILE [--log-level LEVEL]     run the daemon\n"
         "       pgvigil --check-config FILE                  validate a config, print OK or the errors\n"
         "       pgvigil --config FILE --check-config         the same\n"
         "       pgvigil --config FILE --once                 one cycle; health JSON on stdout; exit 0 healthy,\n"
         "                                                    1 degraded, 2 unhealthy, 3 error (Nagios-style)\n"
         "       pgvigil migrate [OPTIONS] SUBCOMMAND         schema migrations: status, up, down, create, verify\n"
         "                                                    (pgvigil migrate --help for its options)\n"
         "       pgvigil --version | --help\n";
}

std::expected<Options, std::string> parse_options(std::span<const char* const> args) {
  Options options;
  bool check = false;
  auto value_of = [&](size_t& i, std::string_view flag) -> std::expected<std::string, std::string> {
    const std::string_view arg = args[i];
    if (arg.size() > flag.size() && arg[flag.size()] == '=') return std::string(arg.substr(flag.size() + 1));
    if (i + 1 >= args.size()) return std::unexpected(std::string(flag) + " needs a value");
    return std::string(args[++i]);
  };
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto is = [&](std::string_view flag) { return arg == flag || arg.starts_with(std::string(flag) + "="); };
    if (arg == "--version" || arg == "-V") {
      options.command = Command::version;
      return options;
    }
    if (arg == "--help" || arg == "-h") {
      options.command = Command::help;
      return options;
    }
    if (is("--config") || arg == "-c") {
      auto v = value_of(i, arg == "-c" ? "-c" : "--config");
      if (!v) return std::unexpected(v.error());
      options.config_path = *v;
    } else if (is("--check-config")) {
      check = true;
      // The file may follow the flag directly, or come from --config.
      if (arg.starts_with("--check-config=")) {
        options.config_path = std::string(arg.substr(15));
      } else if (i + 1 < args.size() && !std::string_view(args[i + 1]).starts_with("-")) {
        options.config_path = args[++i];
      }
    } else if (arg == "--once") {
      options.command = Command::once;
    } else if (is("--log-level")) {
      auto v = value_of(i, "--log-level");
      if (!v) return std::unexpected(v.error());
      options.log_level = *v;
    } else {
      return std::unexpected("unknown argument: " + std::string(arg));
    }
  }
  if (check && options.command == Command::once) return std::unexpected("--once and --check-config exclude each other");
  if (check) options.command = Command::check_config;
  if (options.config_path.empty()) return std::unexpected("--config FILE is required");
  return options;
}

}  // namespace pgvigil::app
