// The program's entry: parses the command line and runs the chosen command.
#pragma once

namespace pgvigil::app {

int run_cli(int argc, const char* const* argv);

}  // namespace pgvigil::app
