#include "harness/analysis/stats.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(Stats, MeanEstimateClosedForm) {
  const Estimate e = mean_estimate({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(e.value, 2.5);
  // s = sqrt(5/3), SE = s / 2
  EXPECT_NEAR(e.stderr_value, std::sqrt(5.0 / 3.0) / 2, 1e-12);
  EXPECT_NEAR(e.ci_high - e.value, 3.182 * e.stderr_value, 1e-9);
  EXPECT_EQ(e.n, 4);
  const Estimate one = mean_estimate({7});
  EXPECT_EQ(one.stderr_value, 0);
  EXPECT_EQ(one.ci_low, 7);
}

TEST(Stats, WilsonIntervalPublishedValues) {
  // 8 of 10: Wilson 95% interval [0.4902, 0.9433], from the closed form with z = 1.96.
  const Estimate e = proportion_estimate(8, 10);
  EXPECT_NEAR(e.value, 0.8, 1e-12);
  EXPECT_NEAR(e.ci_low, 0.4902, 1e-4);
  EXPECT_NEAR(e.ci_high, 0.9433, 1e-4);
  // 0 of 20 stays informative: [0, 0.1611].
  const Estimate zero = proportion_estimate(0, 20);
  EXPECT_EQ(zero.ci_low, 0);
  EXPECT_NEAR(zero.ci_high, 0.1611, 1e-4);
  EXPECT_NEAR(proportion_estimate(20, 20).ci_low, 1 - 0.1611, 1e-4);
}

TEST(Stats, TQuantiles) {
  EXPECT_NEAR(t_quantile_975(1), 12.706, 1e-3);
  EXPECT_NEAR(t_quantile_975(30), 2.042, 1e-3);
  EXPECT_NEAR(t_quantile_975(60), 2.000, 2e-3);
  EXPECT_NEAR(t_quantile_975(1000), 1.962, 1e-3);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

TEST(Stats, PairedRatioIsAfterOverBeforeWithABootstrapInterval) {
  const std::vector<double> before = {1, 1, 1, 1, 0, 1, 1, 1, 0, 1}, same = before;
  const auto identical = paired_ratio_estimate(before, same, 500, 1);
  ASSERT_TRUE(identical.has_value());
  EXPECT_EQ(identical->value, 1.0);
  EXPECT_EQ(identical->ci_low, 1.0) << "every resample of identical pairs has ratio 1";
  EXPECT_EQ(identical->ci_high, 1.0);
  const std::vector<double> after = {1, 0, 1, 0, 0, 1, 0, 1, 0, 1};
  const auto half = paired_ratio_estimate(before, after, 2000, 1);
  EXPECT_DOUBLE_EQ(half->value, 5.0 / 8.0);
  EXPECT_LT(half->ci_low, 5.0 / 8.0);
  EXPECT_GT(half->ci_high, 5.0 / 8.0);
  EXPECT_GT(half->stderr_value, 0.0);
  EXPECT_EQ(half->n, 10);
  EXPECT_FALSE(paired_ratio_estimate(std::vector<double>(5, 0.0), std::vector<double>(5, 1.0)).has_value());
  EXPECT_EQ(paired_ratio_estimate(before, after, 300, 7)->ci_low, paired_ratio_estimate(before, after, 300, 7)->ci_low)
      << "seeded";
}

}  // namespace
}  // namespace tb
