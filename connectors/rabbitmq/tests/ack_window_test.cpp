// AckWindow: the contiguous prefix of completed delivery tags, which is all the task ever acknowledges.

#include "ack_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace sluice::rabbitmq {
namespace {

using R = AckWindow::Result;

TEST(AckWindowTest, StartsWithNothingAcknowledgeable) {
  AckWindow w;
  EXPECT_EQ(w.prefix(), 0u);
  EXPECT_EQ(w.pending(), 0u);
}

TEST(AckWindowTest, InOrderCompletionsAdvanceOneByOne) {
  AckWindow w;
  EXPECT_EQ(w.complete(1), R::Advanced);
  EXPECT_EQ(w.prefix(), 1u);
  EXPECT_EQ(w.complete(2), R::Advanced);
  EXPECT_EQ(w.prefix(), 2u);
}

TEST(AckWindowTest, AGapHoldsBackEverythingAfterIt) {
  AckWindow w;
  EXPECT_EQ(w.complete(2), R::Pending);
  EXPECT_EQ(w.complete(3), R::Pending);
  EXPECT_EQ(w.complete(5), R::Pending);
  EXPECT_EQ(w.prefix(), 0u);
  EXPECT_EQ(w.pending(), 3u);
  EXPECT_EQ(w.complete(1), R::Advanced);  // closes the gap up to 3; 4 is still missing
  EXPECT_EQ(w.prefix(), 3u);
  EXPECT_EQ(w.pending(), 1u);
  EXPECT_EQ(w.complete(4), R::Advanced);
  EXPECT_EQ(w.prefix(), 5u);
  EXPECT_EQ(w.pending(), 0u);
}

TEST(AckWindowTest, DuplicatesAndTagZeroChangeNothing) {
  AckWindow w;
  EXPECT_EQ(w.complete(0), R::OutOfRange);
  EXPECT_EQ(w.complete(1), R::Advanced);
  EXPECT_EQ(w.complete(1), R::Duplicate);
  EXPECT_EQ(w.complete(3), R::Pending);
  EXPECT_EQ(w.complete(3), R::Duplicate);
  EXPECT_EQ(w.prefix(), 1u);
}

TEST(AckWindowTest, ATagFarBeyondThePrefixIsIgnored) {
  AckWindow w;
  EXPECT_EQ(w.complete(AckWindow::kMaxSpan + 1), R::OutOfRange);
  EXPECT_EQ(w.pending(), 0u);
  EXPECT_EQ(w.complete(AckWindow::kMaxSpan), R::Pending);
}

TEST(AckWindowTest, AnyCompletionOrderEndsWithTheFullPrefix) {
  std::vector<std::uint64_t> tags(1000);
  std::iota(tags.begin(), tags.end(), 1);
  std::mt19937 rng(42);
  std::shuffle(tags.begin(), tags.end(), rng);
  AckWindow w;
  std::uint64_t max_prefix = 0;
  for (std::uint64_t t : tags) {
    w.complete(t);
    ASSERT_GE(w.prefix(), max_prefix);  // never moves back
    max_prefix = w.prefix();
  }
  EXPECT_EQ(w.prefix(), 1000u);
  EXPECT_EQ(w.pending(), 0u);
}

}  // namespace
}  // namespace sluice::rabbitmq
