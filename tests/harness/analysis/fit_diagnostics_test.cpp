#include "harness/analysis/fit_diagnostics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/analysis/scaling_laws.h"

namespace tb {
namespace {

FitPoints power_law(const std::vector<double>& xs) {
  FitPoints p;
  for (double x : xs) {
    p.x.push_back({x});
    p.y.push_back(2.0 * std::pow(x, -0.5));
  }
  return p;
}

TEST(FitDiagnostics, TooFewDistinctValuesForTheLawAreSaid) {
  const ScalingLaw law = parse_scaling_law("E + A*N^-alpha");  // 3 parameters: 5 distinct N needed
  const auto warnings = fit_warnings(law, power_law({1e3, 1e3, 1e4, 1e4, 1e5, 1e5}), 0);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("3 distinct values of N for a law of 3 parameters (at least 5"),
            std::string::npos)
      << warnings[0];
  EXPECT_TRUE(fit_warnings(law, power_law({1e2, 1e3, 1e4, 1e5, 1e6}), 0).empty());
}

TEST(FitDiagnostics, ABootstrapOfFewPointsIsSaid) {
  const ScalingLaw law = parse_scaling_law("A*N^-alpha");
  const auto few = fit_warnings(law, power_law({1e2, 1e3, 1e4, 1e5, 1e6}), 1000);
  ASSERT_EQ(few.size(), 1u);
  EXPECT_NE(few[0].find("a bootstrap of 5 points"), std::string::npos) << few[0];
  EXPECT_TRUE(fit_warnings(law, power_law({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 1000).empty());
}

TEST(FitDiagnostics, OlsSlopeOfAnExactPowerLawIsItsExponent) {
  EXPECT_NEAR(*ols_log_slope(power_law({1e2, 1e3, 1e4, 1e5})), -0.5, 1e-12);
  EXPECT_FALSE(ols_log_slope(power_law({1e3, 1e3})).has_value());  // one distinct x
  FitPoints two_variables;
  two_variables.x = {{1, 2}, {3, 4}};
  two_variables.y = {1, 2};
  EXPECT_FALSE(ols_log_slope(two_variables).has_value());
}

}  // namespace
}  // namespace tb
