#include "harness/analysis/scaling_law_formula.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/common/check.h"

namespace tb {
namespace {

TEST(ScalingLawFormula, ParsesChinchillaIntoLogSumExpTerms) {
  const auto law = scaling_law("chinchilla");
  EXPECT_EQ(law.formula, "E + A*N^-alpha + B*D^-beta");
  EXPECT_EQ(law.variables, (std::vector<std::string>{"N", "D"}));
  ASSERT_EQ(law.parameters.size(), 5u);
  EXPECT_TRUE(law.parameters[size_t(law.parameter_index("E"))].is_constant_term);
  EXPECT_TRUE(law.parameters[size_t(law.parameter_index("A"))].is_coefficient);
  EXPECT_FALSE(law.parameters[size_t(law.parameter_index("A"))].is_constant_term);
  EXPECT_FALSE(law.parameters[size_t(law.parameter_index("beta"))].is_coefficient);
}

TEST(ScalingLawFormula, LogPredictionEqualsTheFormula) {
  const auto law = parse_scaling_law("E + A*N^-alpha + B*D^-beta");
  std::vector<double> theta(5);
  theta[size_t(law.parameter_index("E"))] = std::log(1.82);
  theta[size_t(law.parameter_index("A"))] = std::log(482.0);
  theta[size_t(law.parameter_index("B"))] = std::log(2085.0);
  theta[size_t(law.parameter_index("alpha"))] = 0.348;
  theta[size_t(law.parameter_index("beta"))] = 0.366;
  const double n = 7e10, d = 1.4e12;
  const double log_x[2] = {std::log(n), std::log(d)};
  const double expected = 1.82 + 482.0 / std::pow(n, 0.348) + 2085.0 / std::pow(d, 0.366);
  EXPECT_NEAR(std::exp(law.log_predict(log_x, theta)), expected, 1e-12 * expected);
}

TEST(ScalingLawFormula, PositiveExponentsAndSharedExponents) {
  const auto law = parse_scaling_law("E + A*P^a*N^b");
  std::vector<double> theta{std::log(0.5), std::log(0.1), 0.3, 0.2};  // E, A, a, b
  const double log_x[2] = {std::log(1e5), std::log(200.0)};
  EXPECT_NEAR(std::exp(law.log_predict(log_x, theta)),
              0.5 + 0.1 * std::pow(1e5, 0.3) * std::pow(200.0, 0.2), 1e-9);
  const auto shared = parse_scaling_law("A*X^-k + B*D^-k");
  EXPECT_EQ(shared.parameters.size(), 3u);
  EXPECT_EQ(shared.terms[0].factors[0].exponent, shared.terms[1].factors[0].exponent);
}

TEST(ScalingLawFormula, RejectsMalformedFormulas) {
  for (const char* bad : {"", "E +", "A*N^-alpha*B", "E + A*E^-alpha", "E + N^-alpha", "E + A*N^-",
                          "E + E*N^-a", "E + 2*N^-a", "E"}) {
    EXPECT_THROW(parse_scaling_law(bad), UserError) << bad;
  }
}

}  // namespace
}  // namespace tb
