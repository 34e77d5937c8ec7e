// pgvigil: a PostgreSQL health-monitor daemon. All logic lives in pgvigil_core.
#include "app/cli.h"

int main(int argc, char** argv) { return pgvigil::app::run_cli(argc, argv); }
