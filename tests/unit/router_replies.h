// Reading what route() answered, for the router tests: the JSON body, and the shape every error
// reply must have.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/router.h"

namespace pgvigil::http {

inline nlohmann::json body(const Response& r) { return nlohmann::json::parse(r.body); }

inline void expect_error(const Response& r, int status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.content_type, kJsonContentType);
  EXPECT_TRUE(body(r).contains("error")) << r.body;
}

}  // namespace pgvigil::http
