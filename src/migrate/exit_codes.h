// The exit codes of `pgvigil migrate`, documented in its usage and in the README, and the error
// every step of the command returns: the message for stderr with the code to exit with.
#pragma once

#include <string>

namespace pgvigil::migrate {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDisagreement = 1;  // verify: the database and the directory differ
inline constexpr int kExitFailed = 2;        // a migration (or a history table statement) failed
inline constexpr int kExitRefused = 3;       // checksum mismatch without --force, missing down file, unknown --to
inline constexpr int kExitLocked = 4;        // another run held the lock for all of --lock-wait
inline constexpr int kExitUsage = 64;        // EX_USAGE
inline constexpr int kExitBadFiles = 65;     // EX_DATAERR: the migrations directory cannot be used
inline constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: no connection, or no primary
inline constexpr int kExitConfig = 78;       // EX_CONFIG: the config file or --cluster

struct CommandError {
  int exit_code = kExitFailed;
  std::string message;
};

}  // namespace pgvigil::migrate
