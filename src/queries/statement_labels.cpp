#include "queries/statement_labels.h"

#include "queries/query_text.h"

namespace pgvigil::queries {
namespace {

std::string name_or_oid(const StatementLabels::Names& names, std::uint32_t oid) {
  const auto found = names.find(oid);
  return found != names.end() ? found->second : std::to_string(oid);
}

}  // namespace

StatementLabels::StatementLabels(std::size_t max_text_bytes, std::size_t max_texts)
    : max_text_bytes_(max_text_bytes), max_texts_(max_texts) {}

std::string StatementLabels::user(std::uint32_t oid) const { return name_or_oid(users_, oid); }

std::string StatementLabels::database(std::uint32_t oid) const { return name_or_oid(databases_, oid); }

void StatementLabels::add_text(std::int64_t queryid, std::string_view text) {
  if (texts_.size() >= max_texts_ && !texts_.contains(queryid)) texts_.clear();
  texts_.insert_or_assign(queryid, share_text(truncate_utf8(text, max_text_bytes_)));
}

const std::string& StatementLabels::text(std::int64_t queryid) const {
  static const std::string kUnknown;
  const auto found = texts_.find(queryid);
  return found != texts_.end() ? *found->second : kUnknown;
}

}  // namespace pgvigil::queries
