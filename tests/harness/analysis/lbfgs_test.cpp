#include "harness/analysis/lbfgs.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tb {
namespace {

TEST(Lbfgs, MinimisesRosenbrock) {
  const Objective rosenbrock = [](const std::vector<double>& x, std::vector<double>& g) {
    const double a = 1 - x[0], b = x[1] - x[0] * x[0];
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
  };
  const auto r = minimize_lbfgs(rosenbrock, {-1.2, 1.0});
  EXPECT_NEAR(r.x[0], 1.0, 1e-7);
  EXPECT_NEAR(r.x[1], 1.0, 1e-7);
  EXPECT_LT(r.value, 1e-14);
  EXPECT_LT(r.iterations, 100);
}

TEST(Lbfgs, SolvesAnIllConditionedQuadraticExactly) {
  // f = ½ Σ c_i (x_i - i)², condition number 1e6.
  const std::vector<double> c{1, 10, 100, 1e3, 1e4, 1e5, 1e6};
  const Objective f = [&](const std::vector<double>& x, std::vector<double>& g) {
    double v = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      g[i] = c[i] * (x[i] - double(i));
      v += 0.5 * c[i] * (x[i] - double(i)) * (x[i] - double(i));
    }
    return v;
  };
  LbfgsOptions options;
  options.max_iterations = 500;
  const auto r = minimize_lbfgs(f, std::vector<double>(c.size(), 0.0), options);
  for (size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(r.x[i], double(i), 1e-6) << i;
}

TEST(Lbfgs, StopsAtTheIterationLimit) {
  const Objective f = [](const std::vector<double>& x, std::vector<double>& g) {
    g[0] = std::exp(x[0]);  // unbounded below: always a descent direction
    return std::exp(x[0]);
  };
  LbfgsOptions options;
  options.max_iterations = 5;
  const auto r = minimize_lbfgs(f, {0.0}, options);
  EXPECT_EQ(r.iterations, 5);
  EXPECT_EQ(r.stop_reason, "iterations");
  EXPECT_LT(r.value, 1.0);
}

}  // namespace
}  // namespace tb
