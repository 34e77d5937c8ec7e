// Reads pg_stat_statements and what labels it through one monitoring session: whether the
// extension is there, a sample of every entry, texts for given queryids, role and database
// names, and the scan counters of the largest tables. Each read is one statement under the
// given timeout; parsing is done here so callers get plain values.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/connection.h"
#include "queries/statement_labels.h"
#include "queries/statement_sample.h"
#include "queries/statement_sql.h"
#include "queries/table_stats.h"

namespace pgvigil::queries {

struct ExtensionProbe {
  std::optional<std::string> version{};  // installed version; empty when not installed here
  std::string schema{};                  // where its functions live, quoted
  std::optional<bool> preloaded{};       // empty when this role may not read the setting
  std::string database{};
  std::string role{};
  bool in_recovery = false;
};

struct SampleRead {
  StatementSample sample{};
  std::int64_t hidden = 0;  // rows without a queryid: other roles' entries we may not see
};

using db::Millis;

std::expected<ExtensionProbe, db::Error> probe_extension(db::Connection& session, Millis timeout);

// `sql` from sample_sql().
std::expected<SampleRead, db::Error> read_sample(db::Connection& session, const std::string& sql, Millis timeout);

// Adds the texts of `queryids` to `labels`; a text this role may not see is added as empty.
std::expected<void, db::Error> read_texts(db::Connection& session, const std::string& schema,
                                          std::span<const std::int64_t> queryids, StatementLabels& labels,
                                          Millis timeout);

std::expected<void, db::Error> read_names(db::Connection& session, StatementLabels& labels, Millis timeout);

std::expected<std::vector<TableStats>, db::Error> read_table_stats(db::Connection& session, Millis timeout);

}  // namespace pgvigil::queries
