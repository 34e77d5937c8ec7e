// libstdc++'s std::ctype<char>::narrow(c, dfault) caches each answer inside the facet the first
// time it is asked, without synchronisation, and std::regex's compiler narrows every character of
// a pattern. Two threads compiling regular expressions at the same moment (a pool thread redacting
// its first connection error, the main thread compiling a cluster's cancel exclusions or a
// reloaded config) therefore write that cache concurrently: a data race ThreadSanitizer reports.
// Filling the whole cache once, on the main thread before any other thread starts, leaves only
// reads afterwards.
#pragma once

namespace pgvigil {

void fill_ctype_narrow_cache();

}  // namespace pgvigil
