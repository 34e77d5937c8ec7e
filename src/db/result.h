// The rows of one completed query. Owns its PGresult; move-only; read from one thread at a time.
// Values are PostgreSQL's text representation; the typed getters parse it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;  // libpq's PGresult

namespace pgvigil::db {

struct ResultDeleter {
  void operator()(pg_result* r) const;
};
using ResultHandle = std::unique_ptr<pg_result, ResultDeleter>;

class Result {
 public:
  explicit Result(ResultHandle handle) : handle_(std::move(handle)) {}

  int rows() const;
  int columns() const;
  std::string_view column_name(int col) const;
  int column(std::string_view name) const;  // -1 when there is no such column

  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;  // "" for NULL

  // By column name; nullopt for NULL, a missing column or an unparsable value.
  std::optional<std::string> get(int row, std::string_view col) const;
  std::optional<std::int64_t> get_int(int row, std::string_view col) const;
  std::optional<double> get_double(int row, std::string_view col) const;
  std::optional<bool> get_bool(int row, std::string_view col) const;

  std::string command_status() const;  // "SELECT 3", "UPDATE 1", ...

 private:
  ResultHandle handle_;
};

}  // namespace pgvigil::db
