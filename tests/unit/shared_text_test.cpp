#include "util/shared_text.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace pgvigil {
namespace {

TEST(SharedText, EqualTextsShareOneCopyAndDifferentOnesDoNot) {
  const std::size_t before = shared_text_count();
  std::string a = "SELECT pg_catalog.pg_current_wal_lsn() -- shared text test";
  auto first = share_text(a);
  auto second = share_text(std::string(a));  // another buffer, the same text
  auto other = share_text(a + " ");
  EXPECT_EQ(first.get(), second.get());
  EXPECT_NE(first.get(), other.get());
  EXPECT_EQ(*first, a);
  EXPECT_EQ(shared_text_count(), before + 2);
}

TEST(SharedText, TheTableForgetsATextWithItsLastHolder) {
  const std::size_t before = shared_text_count();
  auto held = share_text("SELECT 'forgotten with its last holder'");
  auto again = held;
  EXPECT_EQ(shared_text_count(), before + 1);
  held.reset();
  EXPECT_EQ(shared_text_count(), before + 1) << "one holder is left";
  again.reset();
  EXPECT_EQ(shared_text_count(), before);
  auto fresh = share_text("SELECT 'forgotten with its last holder'");
  EXPECT_EQ(*fresh, "SELECT 'forgotten with its last holder'");
}

TEST(SharedText, ThreadsSharingAndDroppingTheSameTextsAgreeOnOneCopy) {
  const std::size_t before = shared_text_count();
  std::vector<std::thread> threads;
  std::vector<SharedText> last(4);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([t, &last] {
      for (int i = 0; i < 2000; ++i) {
        auto text = share_text("text " + std::to_string(i % 7));
        if (*text != "text " + std::to_string(i % 7)) std::abort();
        if (i % 7 == 0) last[t] = text;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 1; t < 4; ++t) EXPECT_EQ(last[t].get(), last[0].get());
  EXPECT_EQ(shared_text_count(), before + 1) << "only \"text 0\" is still held";
}

}  // namespace
}  // namespace pgvigil
