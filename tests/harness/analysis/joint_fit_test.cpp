#include "harness/analysis/joint_fit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/common/check.h"
#include "harness/data/rng.h"

namespace tb {
namespace {

// Points of L = E + A·x^−α for each group, x = 2^1 .. 2^10, with multiplicative log-normal
// noise of SD 2% from a fixed stream.
FitPoints two_groups(double alpha_a, double alpha_b, uint64_t seed) {
  Rng rng(seed);
  FitPoints p;
  const struct {
    const char* name;
    double e, a, alpha;
  } groups[] = {{"lora", 0.5, 4.0, alpha_a}, {"full_ft", 0.3, 6.0, alpha_b}};
  for (const auto& g : groups) {
    for (int k = 1; k <= 10; ++k) {
      const double x = std::pow(2.0, k);
      const double z =
          std::sqrt(-2 * std::log(1 - rng.uniform())) * std::cos(2 * M_PI * rng.uniform());
      p.x.push_back({x});
      p.y.push_back((g.e + g.a * std::pow(x, -g.alpha)) * std::exp(0.02 * z));
      p.groups.push_back(g.name);
    }
  }
  return p;
}

FitOptions options(int64_t bootstrap) {
  FitOptions o;
  o.bootstrap = bootstrap;
  o.seed = 7;
  o.threads = 2;
  return o;
}

const ParameterFit& parameter(const LawFit& fit, const std::string& name) {
  for (const auto& p : fit.parameters)
    if (p.name == name) return p;
  throw std::runtime_error("no parameter " + name);
}

const ScalingLaw kLaw = scaling_law("power_law");  // E + A*x^-alpha

// Two methods that scale with the same exponent: the shared model recovers it, the F test
// finds no difference and the bootstrap interval of the difference holds 0.
TEST(JointFit, SameExponentIsNotCalledDifferent) {
  const JointLawFit fit = fit_jointly(kLaw, two_groups(0.5, 0.5, 1), {"alpha"}, options(400));
  EXPECT_EQ(fit.groups, (std::vector<std::string>{"lora", "full_ft"}));
  ASSERT_EQ(fit.separate.size(), 2u);
  EXPECT_NEAR(parameter(fit.shared_fit, "alpha").value, 0.5, 0.05);
  EXPECT_NEAR(parameter(fit.shared_fit, "E[full_ft]").value, 0.3, 0.05);
  EXPECT_NEAR(parameter(fit.shared_fit, "A[lora]").value, 4.0, 0.8);
  EXPECT_EQ(fit.shared_fit.parameters.size(), 5u) << "alpha once, E and A per group";
  EXPECT_EQ(fit.restrictions, 1);
  EXPECT_EQ(fit.residual_df, 20 - 6);
  ASSERT_TRUE(fit.p_value.has_value());
  EXPECT_GT(*fit.p_value, 0.05) << "F = " << *fit.f_statistic;
  EXPECT_GE(fit.shared_rss, fit.separate_rss) << "the shared model is nested in the separate one";
  ASSERT_EQ(fit.differences.size(), 1u);
  const ParameterDifference& d = fit.differences[0];
  EXPECT_EQ(d.group, "full_ft");
  EXPECT_EQ(d.reference, "lora");
  ASSERT_TRUE(d.ci_low.has_value());
  EXPECT_LT(*d.ci_low, 0);
  EXPECT_GT(*d.ci_high, 0);
  EXPECT_GT(*d.p_value, 0.05);
}

// Exponents 0.4 and 0.8: the F test and the bootstrap both see the difference, of about 0.4.
TEST(JointFit, DifferentExponentsAreFound) {
  const JointLawFit fit =
      fit_jointly(kLaw, two_groups(0.4, 0.8, 2), law_exponents(kLaw), options(400));
  ASSERT_TRUE(fit.p_value.has_value());
  EXPECT_LT(*fit.p_value, 1e-3) << "F = " << *fit.f_statistic;
  const ParameterDifference& d = fit.differences.at(0);
  EXPECT_NEAR(d.value, 0.4, 0.1);
  EXPECT_GT(*d.ci_low, 0);
  EXPECT_LT(*d.p_value, 0.01);
  // The separate fits are each group's own fit of the law.
  EXPECT_NEAR(parameter(fit.separate[0].fit, "alpha").value, 0.4, 0.06);
  EXPECT_NEAR(parameter(fit.separate[1].fit, "alpha").value, 0.8, 0.1);
  // The shared model's prediction for a group uses that group's coefficients.
  const LawFit& shared = fit.shared_fit;
  for (const std::string group : {"lora", "full_ft"}) {
    const double expected = parameter(shared, "E[" + group + "]").value +
                            parameter(shared, "A[" + group + "]").value *
                                std::pow(1024.0, -parameter(shared, "alpha").value);
    EXPECT_NEAR(fit.predict_shared(kLaw, group, {1024.0}), expected, 1e-9 * expected) << group;
  }
}

// Under the null (one exponent) the F test's p-values are about uniform: over 60 datasets
// it rejects at the 5% level about 3 times, and the mean p is near ½.
TEST(JointFit, FTestIsCalibratedUnderTheNull) {
  int rejected = 0;
  double mean_p = 0;
  constexpr int kDatasets = 60;
  for (int s = 0; s < kDatasets; ++s) {
    const JointLawFit fit = fit_jointly(kLaw, two_groups(0.5, 0.5, 100 + s), {"alpha"}, options(0));
    rejected += *fit.p_value < 0.05;
    mean_p += *fit.p_value / kDatasets;
  }
  EXPECT_LE(rejected, 8);  // Binomial(60, 0.05): P(X > 8) < 0.01
  EXPECT_GT(mean_p, 0.38);
  EXPECT_LT(mean_p, 0.62);
}

TEST(JointFit, RefusesWhatItCannotFit) {
  FitPoints one = two_groups(0.5, 0.5, 3);
  for (auto& g : one.groups) g = "lora";
  EXPECT_THROW(fit_jointly(kLaw, one, {"alpha"}, options(0)), UserError) << "one group";
  EXPECT_THROW(fit_jointly(kLaw, two_groups(0.5, 0.5, 3), {"beta"}, options(0)), UserError);
  FitPoints few = two_groups(0.5, 0.5, 3);
  few = select_points(few, {0, 1, 2, 10, 11, 12, 13});  // 3 lora points for 3 parameters
  try {
    fit_jointly(kLaw, few, {"alpha"}, options(0));
    FAIL() << "a group with too few points was fitted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("\"lora\" has 3, \"full_ft\" has 4"), std::string::npos)
        << e.what();
  }
}

// A third method with too few runs (a post-hoc soup, say) is left out with a warning; the
// other two are still compared.
TEST(JointFit, LeavesOutAGroupTooSmallToFit) {
  FitPoints points = two_groups(0.5, 0.5, 5);
  for (double x : {2.0, 4.0}) {
    points.x.push_back({x});
    points.y.push_back(1.0);
    points.groups.push_back("soup");
  }
  const JointLawFit fit = fit_jointly(kLaw, points, {"alpha"}, options(0));
  EXPECT_EQ(fit.groups, (std::vector<std::string>{"lora", "full_ft"}));
  ASSERT_EQ(fit.warnings.size(), 1u);
  EXPECT_EQ(fit.warnings[0], "group \"soup\" left out: 2 points for the law's 3 parameters");
  EXPECT_EQ(fit.residual_df, 20 - 6);
}

// Without a bootstrap the differences have no interval, and no p-value is invented.
TEST(JointFit, NoBootstrapNoDifferenceInterval) {
  const JointLawFit fit = fit_jointly(kLaw, two_groups(0.5, 0.7, 4), {"alpha"}, options(0));
  ASSERT_EQ(fit.differences.size(), 1u);
  EXPECT_FALSE(fit.differences[0].ci_low.has_value());
  EXPECT_FALSE(fit.differences[0].p_value.has_value());
  EXPECT_TRUE(fit.p_value.has_value()) << "the F test needs no bootstrap";
}

}  // namespace
}  // namespace tb
