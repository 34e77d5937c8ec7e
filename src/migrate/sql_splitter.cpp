#include "migrate/sql_splitter.h"

#include <optional>

namespace pgvigil::migrate {
namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Scanner {
 public:
  explicit Scanner(std::string_view sql) : sql_(sql) {}

  std::vector<SqlStatement> split() {
    std::vector<SqlStatement> statements;
    // First token of the statement being read, or none. A plain offset with a sentinel rather than
    // std::optional: GCC 12 at -O3 takes the optional's value for possibly uninitialised where it
    // is pushed (-Wmaybe-uninitialized).
    constexpr std::size_t kNone = std::string_view::npos;
    std::size_t start = kNone;
    const auto end_statement = [&] {
      if (start != kNone) statements.push_back({sql_.substr(start, token_end_ - start), start});
      start = kNone;
    };
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (is_space(c)) {
        ++pos_;
      } else if (starts_with("--")) {
        skip_line_comment();
      } else if (starts_with("/*")) {
        skip_block_comment();
      } else if (c == ';') {
        end_statement();
        ++pos_;
      } else {
        if (start == kNone) start = pos_;
        skip_token();
        token_end_ = pos_;
      }
    }
    end_statement();
    return statements;
  }

 private:
  bool starts_with(std::string_view s) const { return sql_.substr(pos_).starts_with(s); }
  bool preceded_by_identifier() const { return pos_ > 0 && is_identifier_char(sql_[pos_ - 1]); }

  void skip_line_comment() {
    const auto end = sql_.find('\n', pos_);
    pos_ = end == std::string_view::npos ? sql_.size() : end + 1;
  }

  void skip_block_comment() {
    int depth = 0;
    while (pos_ < sql_.size()) {
      if (starts_with("/*")) {
        ++depth;
        pos_ += 2;
      } else if (starts_with("*/")) {
        pos_ += 2;
        if (--depth == 0) return;
      } else {
        ++pos_;
      }
    }
  }

  // One lexical item that is not blank, comment or semicolon: a quoted string or identifier, a
  // dollar-quoted body, or a single character of anything else.
  void skip_token() {
    const char c = sql_[pos_];
    if (c == '\'') {
      const bool escapes = pos_ > 0 && (sql_[pos_ - 1] == 'E' || sql_[pos_ - 1] == 'e') &&
                           (pos_ < 2 || !is_identifier_char(sql_[pos_ - 2]));
      skip_quoted('\'', escapes);
    } else if (c == '"') {
      skip_quoted('"', false);
    } else if (c == '$' && !preceded_by_identifier()) {
      if (const auto tag = dollar_tag()) {
        const auto end = sql_.find(*tag, pos_ + tag->size());
        pos_ = end == std::string_view::npos ? sql_.size() : end + tag->size();
      } else {
        ++pos_;  // $1, a parameter
      }
    } else {
      ++pos_;
    }
  }

  // From an opening quote to just past its closing one; a doubled quote stands for itself.
  void skip_quoted(char quote, bool backslash_escapes) {
    ++pos_;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (backslash_escapes && c == '\\') {
        pos_ += 2;
      } else if (c == quote) {
        if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == quote) {
          pos_ += 2;
        } else {
          ++pos_;
          return;
        }
      } else {
        ++pos_;
      }
    }
    pos_ = sql_.size();
  }

  // "$tag$" or "$$" at pos_, or nullopt when the dollar does not open a quote. Tags follow
  // identifier rules without the dollar and may not start with a digit.
  std::optional<std::string_view> dollar_tag() const {
    std::size_t end = pos_ + 1;
    while (end < sql_.size() && sql_[end] != '$') {
      const char c = sql_[end];
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                          static_cast<unsigned char>(c) >= 0x80;
      const bool digit = c >= '0' && c <= '9';
      if (!letter && !(digit && end > pos_ + 1)) return std::nullopt;
      ++end;
    }
    if (end >= sql_.size()) return std::nullopt;
    return sql_.substr(pos_, end - pos_ + 1);
  }

  std::string_view sql_;
  std::size_t pos_ = 0;
  std::size_t token_end_ = 0;  // just past the last token read: trailing blanks and comments stay out
};

}  // namespace

std::vector<SqlStatement> split_sql(std::string_view script) { return Scanner(script).split(); }

}  // namespace pgvigil::migrate
