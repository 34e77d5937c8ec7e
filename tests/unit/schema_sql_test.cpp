// The schema check's statements as text, and the reading of their json answers: the catalog
// statement names what the config asks for and every known history table; the history statement
// reads only the tables found readable with their tools' columns, and is empty when there is none.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "health/schema/schema_sql.h"

namespace pgvigil::health {
namespace {

config::SchemaConfig sample_config() {
  config::SchemaConfig config;
  config.required_extensions = {"pg_stat_statements", "uuid-ossp"};
  config.required_tables = {"public.users"};
  config.required_indexes = {"public.users_email_key"};
  return config;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SchemaSql, CatalogStatementAsksForWhatIsConfiguredAndEveryKnownHistoryTable) {
  const std::string sql = schema_catalog_sql(sample_config());
  EXPECT_TRUE(contains(sql, "ARRAY['pg_stat_statements', 'uuid-ossp']::text[]")) << sql;
  EXPECT_TRUE(contains(sql, "ARRAY['public.users', 'public.users_email_key']::text[]")) << sql;
  EXPECT_TRUE(contains(sql, "pg_catalog.to_regclass(r.name)")) << sql;
  EXPECT_TRUE(contains(sql, "(1, 'pgvigil', 'public.pgvigil_schema_migrations')")) << sql;
  for (const char* table : {"public._prisma_migrations", "public.flyway_schema_history", "public.schema_migrations",
                            "public.alembic_version"}) {
    EXPECT_TRUE(contains(sql, std::string("'") + table + "'")) << table;
  }
  for (const auto& spec : other_tool_tables()) EXPECT_TRUE(contains(sql, std::string(spec.table))) << spec.table;
  EXPECT_TRUE(contains(sql, "has_table_privilege")) << sql;
  EXPECT_TRUE(sql.ends_with("AS catalog"));
}

TEST(SchemaSql, CatalogStatementWithoutOtherToolsOrListsStillParses) {
  config::SchemaConfig config;
  config.other_tools = false;
  config.history_table = "ops.migrations";
  const std::string sql = schema_catalog_sql(config);
  EXPECT_TRUE(contains(sql, "ARRAY[]::text[]")) << "an empty list is an empty array, not ANY ()";
  EXPECT_TRUE(contains(sql, "'ops.migrations'"));
  EXPECT_FALSE(contains(sql, "_prisma_migrations"));
  EXPECT_FALSE(contains(sql, "flyway_schema_history"));
}

TEST(SchemaSql, CatalogAnswerIsRead) {
  const auto answer = nlohmann::json::parse(R"({
    "extensions": ["pg_stat_statements"],
    "relations": {"public.users": "r", "public.users_email_key": ""},
    "history": [
      {"tool": "pgvigil", "table": "public.pgvigil_schema_migrations", "readable": true,
       "columns": ["version", "name", "checksum", "status"]},
      {"tool": "flyway", "table": "public.flyway_schema_history", "readable": false, "columns": []},
      {"tool": "someone_else", "table": "public.x", "readable": true, "columns": []}
    ]})");
  const SchemaCatalog catalog = parse_schema_catalog(answer);
  EXPECT_EQ(catalog.extensions, std::vector<std::string>{"pg_stat_statements"});
  EXPECT_EQ(catalog.relkinds.at("public.users"), "r");
  EXPECT_EQ(catalog.relkinds.at("public.users_email_key"), "");
  ASSERT_EQ(catalog.history.size(), 2u) << "an unknown tool is skipped";
  EXPECT_EQ(catalog.history[0].tool, HistoryTool::pgvigil);
  EXPECT_EQ(catalog.history[0].columns.size(), 4u);
  EXPECT_EQ(catalog.history[1].tool, HistoryTool::flyway);
  EXPECT_FALSE(catalog.history[1].readable);

  EXPECT_TRUE(parse_schema_catalog(nullptr).history.empty());
}

TEST(SchemaSql, HistoryStatementReadsOnlyReadableRecognisedTables) {
  SchemaCatalog catalog;
  EXPECT_EQ(schema_history_sql(catalog), "") << "nothing to read: no second statement";

  catalog.history = {
      {HistoryTool::pgvigil, "public.pgvigil_schema_migrations", true, {"version", "name", "checksum", "status"}},
      {HistoryTool::prisma, "public._prisma_migrations", true,
       {"id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at",
        "applied_steps_count"}},
      {HistoryTool::flyway, "public.flyway_schema_history", false,
       {"installed_rank", "version", "description", "script", "success"}},
      {HistoryTool::golang_migrate, "public.schema_migrations", true, {"version"}},  // Rails'
      {HistoryTool::alembic, "public.alembic_version", true, {"version_num"}},
  };
  const std::string sql = schema_history_sql(catalog);
  EXPECT_TRUE(contains(sql, "'pgvigil', (SELECT")) << sql;
  EXPECT_TRUE(contains(sql, R"(FROM "public"."pgvigil_schema_migrations" h)")) << sql;
  EXPECT_TRUE(contains(sql, "h.status::text")) << sql;
  EXPECT_TRUE(contains(sql, "left(NULL::text, 300)")) << "no error column: NULL in its place\n" << sql;
  EXPECT_TRUE(contains(sql, "m.finished_at IS NULL AND m.rolled_back_at IS NULL")) << sql;
  EXPECT_TRUE(contains(sql, "'alembic', (SELECT")) << sql;
  EXPECT_FALSE(contains(sql, "flyway_schema_history")) << "not readable";
  EXPECT_FALSE(contains(sql, "schema_migrations g")) << "no dirty column: not golang-migrate's";
  EXPECT_TRUE(sql.ends_with("AS history"));
}

TEST(SchemaSql, HistoryTablesAreQuotedSoReservedWordsStillParse) {
  SchemaCatalog catalog;
  catalog.history = {{HistoryTool::pgvigil, "User.Migrations", true, {"version", "checksum"}}};
  const std::string sql = schema_history_sql(catalog);
  EXPECT_TRUE(contains(sql, R"(FROM "user"."migrations" h)")) << sql;
}

TEST(SchemaSql, ReadabilityNeedsThePrivilegeAndTheToolsColumns) {
  EXPECT_TRUE(is_readable_history({HistoryTool::pgvigil, "t", true, {"version", "checksum"}}));
  EXPECT_FALSE(is_readable_history({HistoryTool::pgvigil, "t", true, {"version"}}));
  EXPECT_FALSE(is_readable_history({HistoryTool::pgvigil, "t", false, {"version", "checksum"}}));
  EXPECT_TRUE(is_readable_history({HistoryTool::golang_migrate, "t", true, {"version", "dirty"}}));
}

TEST(SchemaSql, HistoryAnswerIsRead) {
  const auto answer = nlohmann::json::parse(R"({
    "pgvigil": [{"version": "1", "name": "init", "checksum": "ab", "status": "applied", "error": null},
                {"version": "2", "name": "more", "checksum": "cd", "status": "failed", "error": "boom"},
                {"version": "v3", "name": "odd", "checksum": "ef", "status": "applied", "error": null}],
    "prisma": [{"name": "20240101_init", "started_at": "2024-01-01T00:00:00+00:00", "logs": null,
                "rolled_back": false}],
    "flyway": [{"version": null, "description": "views", "script": "R__views.sql"}],
    "golang_migrate": ["7"],
    "alembic": ["ae1027a6acf"]})");
  const SchemaHistory history = parse_schema_history(answer);
  ASSERT_TRUE(history.pgvigil.has_value());
  ASSERT_EQ(history.pgvigil->size(), 2u) << "a version that is not a number is skipped";
  EXPECT_EQ((*history.pgvigil)[1].version, 2);
  EXPECT_EQ((*history.pgvigil)[1].status, "failed");
  EXPECT_EQ((*history.pgvigil)[1].error, "boom");
  ASSERT_EQ(history.prisma.size(), 1u);
  EXPECT_EQ(history.prisma[0].name, "20240101_init");
  EXPECT_TRUE(history.prisma[0].logs.empty());
  ASSERT_EQ(history.flyway.size(), 1u);
  EXPECT_EQ(history.flyway[0].script, "R__views.sql");
  EXPECT_EQ(history.golang_migrate_dirty, std::vector<std::string>{"7"});
  EXPECT_EQ(history.alembic_versions, std::vector<std::string>{"ae1027a6acf"});

  EXPECT_FALSE(parse_schema_history(nlohmann::json::object()).pgvigil.has_value())
      << "no pgvigil part: its table was not read";
}

}  // namespace
}  // namespace pgvigil::health
