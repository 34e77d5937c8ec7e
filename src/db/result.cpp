#include "db/result.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

namespace pgvigil::db {

void ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

int Result::rows() const { return PQntuples(handle_.get()); }
int Result::columns() const { return PQnfields(handle_.get()); }

std::string_view Result::column_name(int col) const {
  const char* name = PQfname(handle_.get(), col);
  return name ? name : "";
}

int Result::column(std::string_view name) const {
  for (int c = 0; c < columns(); ++c) {
    if (column_name(c) == name) return c;
  }
  return -1;
}

bool Result::is_null(int row, int col) const { return PQgetisnull(handle_.get(), row, col) != 0; }

std::string_view Result::text(int row, int col) const {
  if (row < 0 || row >= rows() || col < 0 || col >= columns() || is_null(row, col)) return {};
  return {PQgetvalue(handle_.get(), row, col), static_cast<size_t>(PQgetlength(handle_.get(), row, col))};
}

std::optional<std::string> Result::get(int row, std::string_view col) const {
  const int c = column(col);
  if (c < 0 || row < 0 || row >= rows() || is_null(row, c)) return std::nullopt;
  return std::string(text(row, c));
}

std::optional<std::int64_t> Result::get_int(int row, std::string_view col) const {
  auto value = get(row, col);
  if (!value) return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (ec != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  return out;
}

std::optional<double> Result::get_double(int row, std::string_view col) const {
  auto value = get(row, col);
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  const double out = std::strtod(value->c_str(), &end);
  if (end != value->c_str() + value->size()) return std::nullopt;
  return out;
}

std::optional<bool> Result::get_bool(int row, std::string_view col) const {
  auto value = get(row, col);
  if (!value) return std::nullopt;
  if (*value == "t" || *value == "true") return true;
  if (*value == "f" || *value == "false") return false;
  return std::nullopt;
}

std::string Result::command_status() const {
  const char* status = PQcmdStatus(handle_.get());
  return status ? status : "";
}

}  // namespace pgvigil::db
