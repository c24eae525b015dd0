#include "harness/analysis/paired_tests.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tb {
namespace {

std::vector<double> repeat(double v, size_t n) { return std::vector<double>(n, v); }

TEST(McNemar, ExactTwoSidedBinomialOnDiscordantPairs) {
  // b = 0, c = 10: p = 2 * 0.5^10.
  std::vector<double> a = repeat(0, 10), b = repeat(1, 10);
  a.push_back(1), b.push_back(1);  // concordant pairs do not count
  const auto r = mcnemar(a, b);
  EXPECT_EQ(r.only_a, 0);
  EXPECT_EQ(r.only_b, 10);
  EXPECT_EQ(r.both, 1);
  EXPECT_NEAR(r.p_value, 2.0 / 1024.0, 1e-12);
}

TEST(McNemar, SmallAsymmetricCaseAndTies) {
  // b = 1, c = 5: P(X <= 1 | n = 6) = 7/64, two-sided 14/64.
  std::vector<double> a = {1, 0, 0, 0, 0, 0}, b = {0, 1, 1, 1, 1, 1};
  EXPECT_NEAR(mcnemar(a, b).p_value, 14.0 / 64.0, 1e-12);
  // b = c: p = 1 (capped), and no discordant pairs at all: p = 1.
  EXPECT_DOUBLE_EQ(mcnemar({1, 0}, {0, 1}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(mcnemar({1, 0}, {1, 0}).p_value, 1.0);
}

TEST(McNemar, LargeCountsStayExact) {
  // b = 450, c = 550: 2 * sum_{k<=450} C(1000, k) / 2^1000, computed with exact integers.
  std::vector<double> a, b;
  for (int i = 0; i < 450; ++i) a.push_back(1), b.push_back(0);
  for (int i = 0; i < 550; ++i) a.push_back(0), b.push_back(1);
  EXPECT_NEAR(mcnemar(a, b).p_value, 0.0017305360849763176, 1e-9);
}

}  // namespace
}  // namespace tb
