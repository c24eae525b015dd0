// The continual-learning summaries (GEM's ACC, BWT, FWT; RWalk's forgetting) on worked
// numbers, and the accuracy matrix read back from a store built by hand.
#include "harness/analysis/continual_metrics.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace tb {
namespace {

AccuracyMatrix worked_matrix() {
  return {{{0.9, 0.1, 0.2}, {0.6, 0.8, 0.3}, {0.5, 0.7, 0.9}}, {0.0, 0.1, 0.1}};
}

TEST(ContinualMetrics, WorkedExample) {
  const ContinualSummary s = summarize_continual(worked_matrix());
  EXPECT_NEAR(s.average_accuracy, (0.5 + 0.7 + 0.9) / 3, 1e-12);
  EXPECT_NEAR(s.backward_transfer, ((0.5 - 0.9) + (0.7 - 0.8)) / 2, 1e-12);
  EXPECT_NEAR(s.forward_transfer, ((0.1 - 0.1) + (0.3 - 0.1)) / 2, 1e-12);
  ASSERT_EQ(s.forgetting_per_task.size(), 2u);
  EXPECT_NEAR(s.forgetting_per_task[0], 0.9 - 0.5, 1e-12);  // best before the end: after stage 0
  EXPECT_NEAR(s.forgetting_per_task[1], 0.8 - 0.7, 1e-12);  // max(0.1, 0.8): before training counts too
  EXPECT_NEAR(s.forgetting, 0.25, 1e-12);
}

TEST(ContinualMetrics, AModelThatNeverChangesHasNoTransferAndNoForgetting) {
  const std::vector<double> row = {0.3, 0.45, 0.7};
  const ContinualSummary s = summarize_continual({{row, row, row}, row});
  EXPECT_EQ(s.backward_transfer, 0.0);
  EXPECT_EQ(s.forward_transfer, 0.0);
  EXPECT_EQ(s.forgetting, 0.0);
}

TEST(ContinualMetrics, RefusesAMatrixThatIsNotSquare) {
  EXPECT_THROW(summarize_continual({{{0.1, 0.2}}, {0.0, 0.0}}), std::invalid_argument);
  EXPECT_THROW(summarize_continual({{{0.1, 0.2}, {0.3}}, {0.0, 0.0}}), std::invalid_argument);
  EXPECT_THROW(summarize_continual({{{0.5}}, {0.0}}), std::invalid_argument) << "one stage has no transfer";
}

RunResult stage_result(const std::string& key, const AccuracyMatrix& m) {
  RunResult r;
  r.run_key = key;
  r.environment = {"abc", "1.13.1", "cpu", 1};
  for (size_t i = 0; i < m.r.size(); ++i) {
    for (size_t j = 0; j < m.r[i].size(); ++j) {
      r.stage_evals.push_back({int64_t(i), int64_t(j), {"task_accuracy", "tuned", "accuracy", m.r[i][j], 0.01, {}, {}, 10}});
      r.stage_evals.push_back({int64_t(i), int64_t(j), {"task_accuracy", "base", "accuracy", m.base[j], 0.01, {}, {}, 10}});
      r.stage_evals.push_back({int64_t(i), int64_t(j), {"task_accuracy", "tuned", "logprob", -1.0, {}, {}, {}, 10}});
    }
    r.stage_evals.push_back({int64_t(i), -1, {"forgetting", "tuned", "held_out_ce", 2.0, {}, {}, {}, 4}});
  }
  return r;
}

TEST(ContinualMetrics, TheAccuracyMatrixComesBackFromTheStore) {
  testing::ScratchDir dir("continual");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  AccuracyMatrix shifted = worked_matrix();
  shifted.r[2][0] = 0.4;
  AccuracyMatrix gap = worked_matrix();
  gap.r.pop_back();  // a run whose last stage is missing
  const std::vector<std::tuple<std::string, int64_t, AccuracyMatrix>> runs = {
      {"k0", 0, worked_matrix()}, {"k1", 1, shifted}, {"k2", 2, gap}};
  for (const auto& [key, seed, m] : runs) {
    store.add_run(sweep, key, "full_ft", "full_ft", seed, R"({"method":{"name":"full_ft"},"seed":0})");
    ASSERT_TRUE(store.claim_run(key, "me", 30));
    store.record_success(stage_result(key, m));
  }
  const auto matrices = accuracy_matrices(store.stage_evals(RunFilter{"s", {}}));
  ASSERT_EQ(matrices.size(), 1u);
  const auto& by_seed = matrices.at("full_ft");
  ASSERT_EQ(by_seed.size(), 2u) << "the run with a gap is left out";
  EXPECT_EQ(by_seed.at(0).r, worked_matrix().r);
  EXPECT_EQ(by_seed.at(0).base, worked_matrix().base);
  EXPECT_EQ(by_seed.at(1).r[2][0], 0.4);
  const ContinualIntervals ci = continual_intervals(by_seed);
  EXPECT_NEAR(ci.backward_transfer.value, (-0.25 + ((0.4 - 0.9) + (0.7 - 0.8)) / 2) / 2, 1e-12);
  EXPECT_NEAR(ci.mean.r[2][0], 0.45, 1e-12);
  EXPECT_EQ(ci.backward_transfer.seeds, 2);
}

}  // namespace
}  // namespace tb
