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

TEST(PairedBootstrap, ConstantDifferencesGiveAPointInterval) {
  const auto r = paired_bootstrap({repeat(0.25, 40), repeat(0.25, 40)}, 2000, 1);
  EXPECT_DOUBLE_EQ(r.mean, 0.25);
  EXPECT_DOUBLE_EQ(r.low, 0.25);
  EXPECT_DOUBLE_EQ(r.high, 0.25);
  EXPECT_EQ(r.pairs, 80);
  EXPECT_EQ(r.seeds, 2);
}

TEST(PairedBootstrap, OneSeedMatchesTheClosedFormStandardError) {
  // Resampling n items: the SD of the mean is sqrt(plug-in variance / n). Differences of
  // 0/1 scores: 30 of +1, 10 of -1, 60 of 0 -> mean 0.2, plug-in variance 0.4 - 0.04 = 0.36.
  std::vector<double> d;
  for (int i = 0; i < 30; ++i) d.push_back(1);
  for (int i = 0; i < 10; ++i) d.push_back(-1);
  for (int i = 0; i < 60; ++i) d.push_back(0);
  const auto r = paired_bootstrap({d}, 40000, 7);
  EXPECT_NEAR(r.mean, 0.2, 1e-12);
  EXPECT_NEAR(r.stderr_value, std::sqrt(0.36 / 100), 0.003);
  // The percentile interval is close to mean ± 1.96 SE for a sum of 100 draws.
  EXPECT_NEAR(r.low, 0.2 - 1.96 * 0.06, 0.015);
  EXPECT_NEAR(r.high, 0.2 + 1.96 * 0.06, 0.015);
}

TEST(PairedBootstrap, SeedToSeedVariationWidensTheInterval) {
  // Within each seed the differences are constant, so only seed resampling varies them.
  const auto r = paired_bootstrap({repeat(0.0, 20), repeat(1.0, 20)}, 4000, 3);
  EXPECT_DOUBLE_EQ(r.mean, 0.5);
  EXPECT_DOUBLE_EQ(r.low, 0.0);   // both draws from seed 0 happen in a quarter of replicates
  EXPECT_DOUBLE_EQ(r.high, 1.0);
  EXPECT_NEAR(r.stderr_value, std::sqrt(0.25 / 2), 0.02);  // SD of the mean of 2 fair 0/1 draws
}

TEST(PairedBootstrap, DeterministicGivenTheSeed) {
  const std::vector<std::vector<double>> d = {{0, 1, 0, 1, 1}, {1, 1, 0}};
  const auto a = paired_bootstrap(d, 500, 9), b = paired_bootstrap(d, 500, 9);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_TRUE(paired_bootstrap({{}, {}}, 500, 9).pairs == 0);
}

}  // namespace
}  // namespace tb
