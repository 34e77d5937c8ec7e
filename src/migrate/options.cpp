#include "migrate/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "migrate/migration_files.h"

namespace pgvigil::migrate {
namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Subcommand> parse_subcommand(std::string_view word) {
  if (word == "status") return Subcommand::status;
  if (word == "up") return Subcommand::up;
  if (word == "down") return Subcommand::down;
  if (word == "create") return Subcommand::create;
  if (word == "verify") return Subcommand::verify;
  return std::nullopt;
}

// The options a subcommand accepts besides the connection and --dir, so that a misplaced one
// (`status --steps 2`) is a usage error rather than silently ignored.
struct Seen {
  bool to = false;
  bool steps = false;
  bool force = false;
};

}  // namespace

std::string migrate_usage() {
  return "usage: pgvigil migrate [OPTIONS] SUBCOMMAND [ARGS]   (options may also follow the subcommand)\n"
         "\n"
         "subcommands:\n"
         "  status                  every known version: applied, pending, failed, checksum mismatch, file missing\n"
         "  up [--to VERSION]       apply pending migrations in version order (up to VERSION)\n"
         "  down [--steps N]        undo the latest N applied migrations (default 1) with their .down.sql\n"
         "  create NAME             write the next NNNN_NAME.up.sql / .down.sql pair into --dir (no database)\n"
         "  verify                  exit 0 when the database and the directory agree exactly, 1 otherwise\n"
         "\n"
         "options:\n"
         "  --dsn CONNINFO          libpq conninfo or URI of the database\n"
         "  --config FILE           pgvigil config; with --cluster, migrate that cluster's primary\n"
         "  --cluster NAME          (may be left out when the config has a single cluster)\n"
         "  --dir DIR               the migrations directory (required)\n"
         "  --table NAME            history table, [schema.]table (default pgvigil_schema_migrations)\n"
         "  --lock-wait DURATION    how long to wait for another migrate run (default 60s)\n"
         "  --lock-timeout DURATION how long a statement waits for a table lock (default 10s; 0s: no limit)\n"
         "  --force                 up/down: proceed although an applied file's checksum changed\n"
         "\n"
         "exit codes: 0 ok, 1 verify found differences, 2 a migration or history statement failed,\n"
         "            3 refused (checksum mismatch, missing down file, unknown --to), 4 lock not obtained,\n"
         "            64 bad command line, 65 bad migrations directory, 69 database unavailable, 78 bad config\n";
}

std::expected<MigrateOptions, std::string> parse_migrate_options(std::span<const std::string_view> args) {
  MigrateOptions options;
  std::optional<Subcommand> subcommand;
  std::vector<std::string_view> positional;
  Seen seen;
  bool help = false;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (!arg.starts_with("-") || arg == "-") {
      if (!subcommand) {
        subcommand = parse_subcommand(arg);
        if (!subcommand) return std::unexpected(fmt::format("unknown subcommand: {}", arg));
      } else {
        positional.push_back(arg);
      }
      continue;
    }
    const auto equals = arg.find('=');
    const std::string_view flag = arg.substr(0, equals);
    auto value = [&]() -> std::expected<std::string_view, std::string> {
      if (equals != std::string_view::npos) return arg.substr(equals + 1);
      if (i + 1 >= args.size()) return std::unexpected(fmt::format("{} needs a value", flag));
      return args[++i];
    };
    if (flag == "--force") {
      if (equals != std::string_view::npos) return std::unexpected("--force takes no value");
      options.force = seen.force = true;
      continue;
    }
    static constexpr std::array<std::string_view, 10> kValueFlags{
        "--dsn", "--config", "-c", "--cluster", "--dir", "--table", "--lock-wait", "--lock-timeout", "--to", "--steps"};
    if (std::ranges::find(kValueFlags, flag) == kValueFlags.end()) {
      return std::unexpected(fmt::format("unknown option: {}", flag));
    }
    auto v = value();
    if (!v) return std::unexpected(v.error());
    if (v->empty()) return std::unexpected(fmt::format("{} needs a value", flag));
    if (flag == "--dsn") {
      options.dsn = std::string(*v);
    } else if (flag == "--config" || flag == "-c") {
      options.config_path = std::string(*v);
    } else if (flag == "--cluster") {
      options.cluster = std::string(*v);
    } else if (flag == "--dir") {
      options.dir = std::string(*v);
    } else if (flag == "--table") {
      options.table = std::string(*v);
    } else if (flag == "--lock-wait") {
      const auto wait = config::parse_duration(*v);
      if (!wait) return std::unexpected(fmt::format("--lock-wait: not a duration: {} (e.g. 30s, 2m)", *v));
      options.lock_wait = *wait;
    } else if (flag == "--lock-timeout") {
      const auto timeout = config::parse_duration(*v);
      if (!timeout) return std::unexpected(fmt::format("--lock-timeout: not a duration: {} (e.g. 5s, 1m)", *v));
      options.lock_timeout = *timeout;
    } else if (flag == "--to") {
      const auto to = parse_integer(*v);
      if (!to || *to < 0) return std::unexpected(fmt::format("--to: not a version number: {}", *v));
      options.to = *to;
      seen.to = true;
    } else {  // --steps
      const auto steps = parse_integer(*v);
      if (!steps || *steps < 1 || *steps > 1'000'000) {
        return std::unexpected(fmt::format("--steps: not a positive number: {}", *v));
      }
      options.steps = static_cast<int>(*steps);
      seen.steps = true;
    }
  }

  if (help) {
    options.subcommand = Subcommand::help;
    return options;
  }
  if (!subcommand) return std::unexpected("a subcommand is required: status, up, down, create or verify");
  options.subcommand = *subcommand;

  if (options.subcommand == Subcommand::create) {
    if (positional.size() != 1) return std::unexpected("create needs exactly one NAME");
    const std::string_view name = positional.front();
    if (!is_migration_name(name)) {
      return std::unexpected(fmt::format("create: NAME may hold letters, digits, _ and - only: {}", name));
    }
    options.create_name = std::string(name);
  } else if (!positional.empty()) {
    return std::unexpected(fmt::format("unexpected argument: {}", positional.front()));
  }

  if (seen.to && options.subcommand != Subcommand::up) return std::unexpected("--to applies to up only");
  if (seen.steps && options.subcommand != Subcommand::down) return std::unexpected("--steps applies to down only");
  if (seen.force && options.subcommand != Subcommand::up && options.subcommand != Subcommand::down) {
    return std::unexpected("--force applies to up and down only");
  }
  if (options.dir.empty()) return std::unexpected("--dir DIR is required");
  if (options.needs_database()) {
    if (options.dsn && options.config_path) return std::unexpected("--dsn and --config exclude each other");
    if (!options.dsn && !options.config_path) return std::unexpected("--dsn CONNINFO or --config FILE is required");
    if (options.cluster && !options.config_path) return std::unexpected("--cluster needs --config");
  }
  return options;
}

}  // namespace pgvigil::migrate
