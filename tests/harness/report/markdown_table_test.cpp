#include "harness/report/markdown_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "harness/common/check.h"
#include "harness/report/summary.h"
#include "harness/store/store.h"
#include "tests/test_util.h"

namespace tb {
namespace {

RunResult result(const std::string& key, double accuracy, double wall, int64_t trainable = 1000) {
  RunResult r;
  r.run_key = key;
  r.trainable_params = trainable;
  r.optimizer_state_bytes = 8 * trainable;
  r.wall_seconds = wall;
  r.environment = {"c", "t", "cpu", 1};
  r.evals = {{"task_accuracy", "base", "accuracy", 0.1, 0.01, 0.0, 0.2, 10},
             {"task_accuracy", "tuned", "accuracy", accuracy, 0.01, 0.0, 1.0, 10}};
  return r;
}

TEST(Report, TwoSeedsShowEachSeedAndTheConditionalInterval) {
  testing::ScratchDir dir("report");
  Store store(dir.path() / "db.sqlite");
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  const std::string config = R"({"method":{"name":"lora"},"training":{},"seed":0})";
  store.add_run(sweep, "a", "lora", "lora rank=8", 0, config);
  store.add_run(sweep, "b", "lora", "lora rank=8", 1, config);
  store.add_run(sweep, "c", "full_ft", "full_ft", 0, config);
  store.record_success(result("a", 0.5, 10));
  store.record_success(result("b", 0.7, 20, 300000));
  store.record_failure("c", "boom", 1);
  const SummaryTable t = summarize_sweep(store, "");
  EXPECT_EQ(t.sweep, "s");
  ASSERT_EQ(t.rows.size(), 2u) << "base model + one variant; the failed run has no results";
  EXPECT_EQ(t.rows[0].label, "base model");
  EXPECT_DOUBLE_EQ(t.rows[0].cells.at("task_accuracy accuracy").value, 0.1);
  const Interval& acc = t.rows[1].cells.at("task_accuracy accuracy");
  EXPECT_DOUBLE_EQ(acc.value, 0.6);
  // Two seeds: no t interval with 1 df; the items' SEs (0.01 each) give sqrt(2)·0.01 / 2.
  EXPECT_EQ(acc.basis, IntervalBasis::kConditional);
  EXPECT_NEAR(acc.stderr_value, std::sqrt(2.0) * 0.01 / 2, 1e-12);
  const std::string md = to_markdown(t);
  EXPECT_NE(md.find("### task_accuracy\n\n| method | runs | accuracy |"), std::string::npos) << md;
  EXPECT_NE(md.find("| lora rank=8 | 2 | 0.600 (0.500, 0.700) [0.586, 0.614]† |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| base model | 1 | 0.100 [0.080, 0.120]† |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| lora rank=8 | 2 | 1,000–300,000 | 8 KiB–2.3 MiB | 15.0 (10.0, 20.0) |"), std::string::npos)
      << md;
  EXPECT_THROW(summarize_sweep(store, "nope"), UserError);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

// Two seeds of one variant, "lora": runs "a" (shift 0) and "b" (shift `b_shift`), each
// recorded with the evals `add(run, shift)` appends.
void record_two_seeds(Store& store, double b_shift, const std::function<void(RunResult&, double)>& add) {
  const int64_t sweep = store.create_sweep("s", "s.json", "{}");
  const std::string config = R"({"method":{"name":"lora"},"training":{},"seed":0})";
  store.add_run(sweep, "a", "lora", "lora", 0, config);
  store.add_run(sweep, "b", "lora", "lora", 1, config);
  for (const auto& [key, shift] : {std::pair{"a", 0.0}, std::pair{"b", b_shift}}) {
    RunResult r = result(key, 0.5, 10);
    add(r, shift);
    store.record_success(r);
  }
}

TEST(Report, SlicedAccuraciesBecomeGridsAveragedOverSeeds) {
  testing::ScratchDir dir("report-grid");
  Store store(dir.path() / "db.sqlite");
  record_two_seeds(store, 0.2, [](RunResult& r, double shift) {
    for (const char* length : {"96", "128", "256"}) {
      for (const char* depth : {"0", "0.5"}) {
        const std::string cell = std::string("passkey_accuracy@length=") + length + ",depth=" + depth;
        r.evals.push_back({"long_context", "tuned", cell, shift + (length[0] == '1' ? 0.9 : 0.3), 0.1, 0, 1, 4});
        r.evals.push_back({"long_context", "base", cell, 0.5, 0.1, 0, 1, 4});
        r.evals.push_back({"long_context", "delta", cell, 0.0, 0.1, 0, 1, 4});
      }
      r.evals.push_back({"long_context", "tuned", std::string("passkey_accuracy@length=") + length, shift, 0.1, 0, 1, 8});
    }
  });
  const SummaryTable t = summarize_sweep(store, "");
  for (const auto& c : t.columns) EXPECT_EQ(c.find('@'), std::string::npos) << "sliced metrics stay out of " << c;
  ASSERT_EQ(t.grids.size(), 3u) << "by length (one grid), by length x depth (base, lora)";
  auto grid = [&](const std::string& title) {
    for (const auto& g : t.grids) {
      if (g.title == title) return g;
    }
    ADD_FAILURE() << "no grid " << title;
    return SliceGrid{};
  };
  EXPECT_EQ(grid("long_context passkey_accuracy: length").row_labels, (std::vector<std::string>{"lora"}));
  const SliceGrid lora = grid("long_context passkey_accuracy: length x depth, lora");
  EXPECT_EQ(lora.row_labels, (std::vector<std::string>{"96", "128", "256"}));  // numeric, not string, order
  EXPECT_EQ(lora.column_labels, (std::vector<std::string>{"0", "0.5"}));
  EXPECT_NEAR(lora.cells.at({"128", "0.5"}).value, 1.0, 1e-12);  // (0.9 + 1.1) / 2
  EXPECT_NEAR(lora.cells.at({"256", "0"}).value, 0.4, 1e-12);
  EXPECT_NE(to_markdown(t).find("| 128 | 1.00 | 1.00 |"), std::string::npos) << to_markdown(t);
}


// position_ce@position=<start>: one grid with the base model and each variant as rows, cells
// the mean over seeds, marked as a loss (lower is better) and not clipped to [0, 1].
TEST(Report, LossByPositionBecomesAGridMarkedLowerIsBetter) {
  testing::ScratchDir dir("report-loss-grid");
  Store store(dir.path() / "db.sqlite");
  record_two_seeds(store, 1.0, [](RunResult& r, double shift) {
    for (const char* position : {"0", "128", "256"}) {
      const std::string metric = std::string("position_ce@position=") + position;
      r.evals.push_back({"long_context", "tuned", metric, shift + (position[0] == '0' ? 0.5 : 2.5), 0.1, 0, 0, 8});
      r.evals.push_back({"long_context", "base", metric, 4.0, 0.1, 0, 0, 8});
      r.evals.push_back({"long_context", "delta", metric, shift - 1.5, 0.1, 0, 0, 8});
      r.evals.push_back({"long_context", "tuned", std::string("passkey_answer_logprob@length=") + position, -3, 0.1, 0, 0, 8});
    }
  });
  const SummaryTable t = summarize_sweep(store, "");
  ASSERT_EQ(t.grids.size(), 1u) << "answer log-probabilities and paired differences make no grid";
  const SliceGrid& g = t.grids[0];
  EXPECT_EQ(g.title, "long_context position_ce: position");
  EXPECT_TRUE(g.lower_is_better);
  EXPECT_EQ(g.row_labels, (std::vector<std::string>{"base model", "lora"}));
  EXPECT_EQ(g.column_labels, (std::vector<std::string>{"0", "128", "256"}));
  EXPECT_NEAR(g.cells.at({"lora", "256"}).value, 3.0, 1e-12);  // (2.5 + 3.5) / 2
  EXPECT_NEAR(g.cells.at({"base model", "0"}).value, 4.0, 1e-12);
  EXPECT_NE(to_markdown(t).find("| lora | 1.00 | 3.00 | 3.00 |"), std::string::npos) << to_markdown(t);
}

}  // namespace
}  // namespace tb
