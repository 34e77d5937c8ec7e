// The OS account test servers run as. initdb and postgres refuse to run as root, so when the
// tests run as root (as in CI) servers and their tools run as the postgres account on
// directories handed to it; as a normal user they run as that user. Safe from any thread.
#pragma once

#include <string>

#include "subprocess.h"

namespace pgvigil::testing {

// Spawn options for a server-side command: the server account (when we are root), working
// directory "/" (the postgres account may not be able to enter ours), output to `output_file`.
SpawnOptions as_server_account(std::string output_file = "");

// Gives `path` to the server account when we are root; does nothing otherwise.
void hand_to_server_account(const std::string& path);

// Creates a fresh directory /tmp/PREFIX.XXXXXX that the server account can traverse.
std::string make_scratch_dir(const std::string& prefix);

// Writes `text` to a new file readable only by us (mode 0600).
void write_private_file(const std::string& path, const std::string& text);

}  // namespace pgvigil::testing
