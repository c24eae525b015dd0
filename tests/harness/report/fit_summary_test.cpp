#include "harness/report/fit_summary.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(FitSummary, ShowsIntervalsAndHeldOutExtrapolation) {
  LawFit fit;
  fit.formula = "E + A*x^-alpha";
  fit.variables = {"x"};
  fit.parameters = {
      {"E", 1.5, 0.1, 1.3, 1.7}, {"A", 20, 2, 16, 24}, {"alpha", 0.25, 0.01, 0.23, 0.27}};
  fit.points = 12;
  fit.starts = 150;
  fit.starts_at_best = 40;
  fit.bootstrap = 500;
  fit.held_out = {{"run abc", {1e6}, 2.0, 2.1}};
  fit.held_out_abs_error = 0.1;
  fit.held_out_rel_error = 0.05;
  const std::string md = fit_to_markdown(fit);
  EXPECT_NE(md.find("law: L = E + A*x^-alpha"), std::string::npos) << md;
  EXPECT_NE(md.find("40 of 150 L-BFGS starts"), std::string::npos) << md;
  EXPECT_NE(md.find("| alpha | 0.25 | 0.01 | [0.23, 0.27] |"), std::string::npos) << md;
  EXPECT_NE(md.find("95% CI (bootstrap, 500)"), std::string::npos) << md;
  EXPECT_NE(md.find("mean |L̂ - L| / L = 5%"), std::string::npos) << md;
  EXPECT_NE(md.find("| run abc | 1e+06 | 2 | 2.1 |"), std::string::npos) << md;
  fit.parameters[0].identified = false;
  fit.parameters[0].stderr_value.reset();
  EXPECT_NE(fit_to_markdown(fit).find("| E | 1.5 | — | not identified"), std::string::npos)
      << fit_to_markdown(fit);
  fit.bootstrap = 0;
  EXPECT_EQ(fit_to_markdown(fit).find("| SE |"), std::string::npos);
}

}  // namespace
}  // namespace tb
