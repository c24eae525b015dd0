#include "harness/report/report_charts.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(ParetoChart, TheFrontierJoinsTheUndominatedVariants) {
  MethodTable t;
  t.fields = {{"method", "method", "", FieldKind::kText, 0, 1},
              {"target_accuracy", "target accuracy", "", FieldKind::kEstimate, 3, 1},
              {"delta_held_out_ce", "Δ held-out CE", "", FieldKind::kEstimate, 3, 1}};
  auto row = [](const std::string& name, double accuracy, double forgetting) {
    FieldValue label;
    label.text = name;
    FieldValue a, f;
    a.estimate = mean_interval({{0, {accuracy, std::nullopt}}}, {0, 1});
    f.estimate = mean_interval({{0, {forgetting, std::nullopt}}}, {});
    return std::vector<FieldValue>{label, a, f};
  };
  t.rows = {row("a x=1", 0.9, 1.0), row("b x=1", 0.95, 2.0), row("c x=1", 0.8, 3.0)};  // c is dominated by a
  const auto charts = pareto_charts(t);
  ASSERT_EQ(charts.size(), 1u);
  const std::string& svg = charts[0].svg;
  EXPECT_NE(svg.find("data-series=\"4\""), std::string::npos);  // 3 variants + the frontier
  EXPECT_NE(svg.find("data-name=\"Pareto frontier\""), std::string::npos);
  // Without forgetting there is nothing to plot.
  t.fields.pop_back();
  for (auto& r : t.rows) r.pop_back();
  EXPECT_TRUE(pareto_charts(t).empty());
}

}  // namespace
}  // namespace tb
