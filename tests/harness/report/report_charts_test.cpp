#include "harness/report/report_charts.h"

#include <gtest/gtest.h>

#include "harness/store/store.h"
#include "tests/test_util.h"

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

// A joint fit's chart draws each group's points and its own fitted curve, each over the
// group's own range.
TEST(FitCharts, AJointFitDrawsEachGroupWithItsCurve) {
  testing::ScratchDir dir("fit-charts");
  Store store(dir.path() / "db.sqlite");
  const nlohmann::json record = {
      {"y", "loss"},
      {"fit", {{"formula", "E + A*x^-alpha"}, {"variables", {"x"}}}},
      {"joint", {{"groups", {"lora", "full_ft"}}, {"shared", {"alpha"}}, {"p_value", 0.5}}},
      {"points",
       {{"x", {{1.0}, {2.0}, {4.0}, {8.0}}},
        {"y", {3.0, 2.0, 5.0, 4.0}},
        {"predicted", {3.1, 1.9, 5.1, 3.9}},
        {"groups", {"lora", "lora", "full_ft", "full_ft"}}}}};
  store.record_fit("power_law", "sweep:s by=method", 4, 1e-3, record.dump());
  const auto charts = fit_charts(store, "s");
  ASSERT_EQ(charts.size(), 1u);
  for (const char* series : {"lora: measured", "lora: fitted law", "full_ft: measured", "full_ft: fitted law"})
    EXPECT_NE(charts[0].svg.find(series), std::string::npos) << series;
}


// A loss grid is drawn bright where the loss is lowest, on a scale from 0 to its highest cell.
TEST(SliceHeatmaps, ALossGridReversesTheColourScale) {
  SummaryTable summary;
  SliceGrid g{"long_context position_ce: position", "method", {"base model", "lora"}, {"0", "128"}, {}, "", true};
  g.cells[{"base model", "0"}] = mean_interval({{0, {4.0, std::nullopt}}}, {});
  g.cells[{"base model", "128"}] = mean_interval({{0, {2.0, std::nullopt}}}, {});
  g.cells[{"lora", "0"}] = mean_interval({{0, {0.0, std::nullopt}}}, {});
  summary.grids.push_back(g);
  const auto charts = slice_heatmaps(summary);
  ASSERT_EQ(charts.size(), 1u);
  EXPECT_NE(charts[0].caption.find("Cross-entropy"), std::string::npos) << charts[0].caption;
  EXPECT_NE(charts[0].svg.find("fill=\"#fde725\"><title>lora, 0: 0</title>"), std::string::npos) << charts[0].svg;
  EXPECT_NE(charts[0].svg.find("fill=\"#440154\"><title>base model, 0: 4</title>"), std::string::npos);
  EXPECT_NE(charts[0].svg.find("cell missing"), std::string::npos) << "lora at 128 has no value";
}

}  // namespace
}  // namespace tb
