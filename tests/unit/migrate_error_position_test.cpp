// Placing a server error in a migration file: PG_DIAG_STATEMENT_POSITION counts characters,
// not bytes, from the start of the text sent.
#include "migrate/error_position.h"

#include <gtest/gtest.h>

#include "db/error.h"
#include "migrate/runner.h"

namespace pgvigil::migrate {
namespace {

TEST(MigrateErrorPosition, CountsCharactersNotBytes) {
  EXPECT_EQ(byte_offset_of_character("abc", 1), 0u);
  EXPECT_EQ(byte_offset_of_character("abc", 3), 2u);
  // "é" is two bytes, "€" three: the 3rd character is 'x' at byte 5.
  EXPECT_EQ(byte_offset_of_character("é€x", 3), 5u);
  EXPECT_EQ(byte_offset_of_character("abc", 0), std::nullopt);
  EXPECT_EQ(byte_offset_of_character("abc", 5), std::nullopt);
  EXPECT_EQ(byte_offset_of_character("abc", 4), 3u) << "just past the end: an error at the end of input";
}

TEST(MigrateErrorPosition, NamesTheLine) {
  const std::string file = "-- header\nCREATE TABLE t (id int);\nCREAT TABLE u (id int);\n";
  const int position = static_cast<int>(file.find("CREAT TABLE")) + 1;
  EXPECT_EQ(error_line(file, 0, position), 3);
  EXPECT_EQ(error_line(file, 0, 1), 1);
  EXPECT_EQ(error_line(file, 0, 0), std::nullopt) << "no position sent";
  EXPECT_EQ(line_at_offset(file, 0), 1);
  EXPECT_EQ(line_at_offset(file, file.find("CREATE")), 2);
}

TEST(MigrateErrorPosition, MultiByteTextBeforeTheErrorDoesNotShiftTheLine) {
  // 40 three-byte characters on line 2: counting bytes would leave the error on line 2.
  std::string line2;
  for (int i = 0; i < 40; ++i) line2 += "€";
  const std::string file = "SELECT 1;\nSELECT '" + line2 + "';\nSELEC 2;\n";
  const int chars_before_line3 = 10 + 8 + 40 + 3;  // "SELECT 1;\n" + "SELECT '" + 40 + "';\n"
  EXPECT_EQ(error_line(file, 0, chars_before_line3 + 1), 3);
  EXPECT_EQ(error_line(file, 0, 60), 2);
}

TEST(MigrateErrorPosition, AStatementSentAloneIsPlacedByItsOffsetInTheFile) {
  const std::string file = "-- pgvigil:no-transaction\nSELECT 1;\n\nCREATE INDEX CONCURRENTLY\n  ON nope (x);\n";
  const std::size_t offset = file.find("CREATE");
  const std::string_view statement = std::string_view(file).substr(offset);
  const int position = static_cast<int>(statement.find("nope")) + 1;
  EXPECT_EQ(error_line(file, offset, position), 5);
}

TEST(MigrateErrorPosition, AnErrorAtTheEndOfInputIsOnTheLastLineWithText) {
  const std::string file = "SELECT 1;\nCREATE TABLE\n\n";
  const int past_end = static_cast<int>(file.size()) + 1;
  EXPECT_EQ(error_line(file, 0, past_end), 2);
}

TEST(MigrateErrorPosition, ScriptErrorsNameTheFileAndLineWhenTheServerSaysWhere) {
  const std::string file = "CREATE TABLE a (id int);\nCREATE TABL b (id int);\n";
  db::Error error = db::classify("42601", "syntax error at or near \"TABL\"");
  error.statement_position = static_cast<int>(file.find("TABL ")) + 1;
  EXPECT_EQ(describe_script_error("0003_bad.up.sql", file, 0, 0, error),
            "0003_bad.up.sql:2: ERROR: syntax error at or near \"TABL\"");
  error.statement_position = 0;
  EXPECT_EQ(describe_script_error("0003_bad.up.sql", file, 0, 0, error),
            "0003_bad.up.sql: ERROR: syntax error at or near \"TABL\"");
  EXPECT_EQ(describe_script_error("0003_bad.up.sql", file, 25, 2, error),
            "0003_bad.up.sql:2: ERROR: syntax error at or near \"TABL\"")
      << "a statement sent alone falls back to the line it starts on";
  EXPECT_EQ(describe_script_error("0003_bad.up.sql", file, 0, 0, db::make_timeout_error("script")),
            "0003_bad.up.sql: timeout: script timed out");
}

}  // namespace
}  // namespace pgvigil::migrate
