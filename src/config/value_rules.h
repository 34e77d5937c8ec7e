// Small checks on config values that several sections share: names that end up in URLs and
// metric labels, HTTP URLs, listen addresses and files that must be readable at load time.
// Pure except readable_file_problem(), which looks at the file system. Safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgvigil::config {

// Cluster, member and sink names appear in URL paths (/clusters/{c}) and metric labels, so
// they are limited to letters, digits, '_', '-' and '.'.
bool is_valid_name(std::string_view name);
inline constexpr std::string_view kNameRule = "names may contain only letters, digits, '_', '-' and '.'";

// A relation written `name` or `schema.name` with plain SQL identifiers (a letter or '_', then
// letters, digits, '_'): the daemon puts it into SQL, unquoted, so it is folded to lower case there.
bool is_relation_name(std::string_view name);

// An extension name as pg_extension spells it: letters, digits, '_' and '-' (uuid-ossp).
bool is_extension_name(std::string_view name);

// http:// or https:// followed by a host.
bool is_http_url(std::string_view url);

// "host:port" or "[v6addr]:port" with a port in 1..65535.
bool is_listen_address(std::string_view address);

// Why `path` cannot be read as a regular file ("does not exist", "is a directory", ...), or
// nullopt when it can. Opens the file to find out, since permissions alone do not tell for root.
std::optional<std::string> readable_file_problem(const std::string& path);

}  // namespace pgvigil::config
