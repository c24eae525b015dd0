// Evaluations taken during training, from the store to what reads them: stored per step
// beside the final evaluation, read at a step by every reader of evaluations (RunFilter::
// step), fitted with param:step, and drawn as curves and paths in the report.
#include <gtest/gtest.h>

#include "harness/analysis/scaling_law_formula.h"
#include "harness/analysis/store_fit_points.h"
#include "harness/report/report.h"
#include "harness/store/store.h"
#include "tests/test_util.h"

namespace tb {
namespace {

// A LoRA run of seed `seed` evaluated after steps 10, 20 and 40 (the last): accuracy
// step / 40 + seed / 100, KL step / 100; its final evaluation equals step 40's.
RunResult evaluated_run(const std::string& key, int64_t seed) {
  RunResult r;
  r.run_key = key;
  r.trainable_params = 100;
  r.environment = {"abc", "1.13", "cpu", 1};
  auto at = [&](int64_t step) {
    return std::vector<EvalAggregate>{
        {"task_accuracy", "tuned", "accuracy", double(step) / 40 + double(seed) / 100, 0.01, std::nullopt, std::nullopt, 10},
        {"task_accuracy", "base", "accuracy", 0.1, 0.01, std::nullopt, std::nullopt, 10},
        {"forgetting", "tuned", "kl_from_base", double(step) / 100, 0.01, std::nullopt, std::nullopt, 8}};
  };
  for (const int64_t step : {10, 20, 40}) {
    for (const auto& e : at(step)) r.step_evals.push_back({step, e});
    r.step_items.push_back({step, {"task_accuracy", "tuned", "reverse/0", step >= 20 ? 1.0 : 0.0, std::nullopt, {}}});
  }
  r.evals = at(40);
  r.items = {{"task_accuracy", "tuned", "reverse/0", 1.0, std::nullopt, {}}};
  return r;
}

void write_sweep(Store& store, int64_t seeds) {
  const int64_t sweep = store.create_sweep("curves", "curves.json", "{}");
  for (int64_t s = 0; s < seeds; ++s) {
    const std::string key = "run" + std::to_string(s);
    store.add_run(sweep, key, "lora", "lora r=4", s, R"({"method":{"name":"lora"},"seed":0})");
    store.record_success(evaluated_run(key, s));
  }
}

TEST(StepEvaluations, AreReadAtAStepBesideTheFinalOnes) {
  testing::ScratchDir dir("step-evals");
  Store store(dir.path() / "db.sqlite");
  write_sweep(store, 1);
  store.record_success(evaluated_run("run0", 0));  // ingested twice: replaced, not doubled
  EXPECT_EQ(store.evaluation_steps(RunFilter{"curves", {}}), (std::vector<int64_t>{10, 20, 40}));
  const auto final_evals = store.evals(RunFilter{"curves", {}});
  ASSERT_EQ(final_evals.size(), 3u);
  const auto at_10 = store.evals(RunFilter{"curves", {}, 10});
  ASSERT_EQ(at_10.size(), 3u);
  for (const auto& e : at_10) {
    if (e.metric == "accuracy" && e.model == "tuned") EXPECT_DOUBLE_EQ(e.value, 0.25);
    if (e.metric == "kl_from_base") EXPECT_DOUBLE_EQ(e.value, 0.1);
  }
  EXPECT_TRUE(store.evals(RunFilter{"curves", {}, 30}).empty()) << "no evaluation after step 30";
  const auto items_10 = store.items(RunFilter{"curves", {}, 10}, "tuned");
  ASSERT_EQ(items_10.size(), 1u);
  EXPECT_EQ(items_10[0].score, 0.0);
  EXPECT_EQ(store.items(RunFilter{"curves", {}, 20}, "tuned")[0].score, 1.0);
  EXPECT_EQ(store.runs(RunFilter{"curves", {}, 10}).size(), 1u) << "the step filters evaluations only";
  const StoredTable exported = store.export_table("step_evals", RunFilter{"curves", {}});
  EXPECT_EQ(exported.rows.size(), 9u);  // 3 steps x 3 aggregates
  ASSERT_GE(exported.columns.size(), 5u);
  EXPECT_EQ(exported.columns[4], "step");
}

TEST(StepEvaluations, ParamStepFitsOnePointPerEvaluation) {
  testing::ScratchDir dir("step-evals");
  Store store(dir.path() / "db.sqlite");
  write_sweep(store, 2);
  const FitPoints by_step = store_fit_points(store, "curves", scaling_law("A*N^b"), {{"N", "param:step"}},
                                             "eval:forgetting/tuned/kl_from_base");
  ASSERT_EQ(by_step.y.size(), 6u);  // 2 runs x 3 steps
  for (size_t i = 0; i < by_step.y.size(); ++i) EXPECT_DOUBLE_EQ(by_step.y[i], by_step.x[i][0] / 100);
  EXPECT_NE(by_step.labels[0].find("step=10"), std::string::npos) << by_step.labels[0];
  const FitPoints final_only = store_fit_points(store, "curves", scaling_law("A*N^b"), {{"N", "trainable_params"}},
                                                "eval:forgetting/tuned/kl_from_base");
  ASSERT_EQ(final_only.y.size(), 2u);
  EXPECT_DOUBLE_EQ(final_only.y[0], 0.4);
}

TEST(StepEvaluations, TheReportDrawsCurvesAndPaths) {
  testing::ScratchDir dir("step-evals");
  Store store(dir.path() / "db.sqlite");
  write_sweep(store, 3);
  const Report r = build_report(store, RunFilter{"curves", {}});
  ASSERT_EQ(r.curve_tables.size(), 2u);  // target accuracy and KL from base
  const TextTable& accuracy = r.curve_tables[0];
  EXPECT_EQ(accuracy.headers, (std::vector<std::string>{"method", "step 10", "step 20", "step 40"}));
  ASSERT_EQ(accuracy.rows.size(), 2u);  // the base model and the variant
  EXPECT_EQ(accuracy.rows[1][0], "lora r=4");
  EXPECT_EQ(accuracy.rows[1][1].rfind("0.260 [", 0), 0u) << accuracy.rows[1][1];  // mean of .25, .26, .27
  EXPECT_EQ(r.curves.size(), 2u);
  EXPECT_NE(r.curves[0].svg.find("data-name=\"lora r=4\""), std::string::npos);
  ASSERT_EQ(r.pareto.size(), 1u);
  EXPECT_NE(r.pareto[0].caption.find("path during training"), std::string::npos);
  // The variant's path: its three evaluated steps, the last one its final point, joined by a line.
  const std::string& svg = r.pareto[0].svg;
  const size_t series = svg.find("data-name=\"lora r=4\"");
  ASSERT_NE(series, std::string::npos);
  const std::string group = svg.substr(series, svg.find("</g>", series) - series);
  size_t points = 0;
  for (size_t at = group.find("class=\"point\""); at != std::string::npos; at = group.find("class=\"point\"", at + 1)) ++points;
  EXPECT_EQ(points, 3u) << group;
  EXPECT_NE(group.find("<path d=\"M"), std::string::npos) << group;
}

}  // namespace
}  // namespace tb
