#include "harness/report/markdown_table.h"

#include <gtest/gtest.h>

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

TEST(Report, MeanAndStandardErrorOverSeeds) {
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
  EXPECT_DOUBLE_EQ(t.rows[0].cells.at("task_accuracy accuracy").mean, 0.1);
  EXPECT_DOUBLE_EQ(t.rows[1].cells.at("task_accuracy accuracy").mean, 0.6);
  EXPECT_NEAR(t.rows[1].cells.at("task_accuracy accuracy").stderr_value, 0.1,
              1e-12);  // sd 0.1414 / sqrt 2
  const std::string md = to_markdown(t);
  EXPECT_NE(
      md.find("| lora rank=8 | 2 | 0.600 ± 0.100 | 1,000–300,000 | 8 KiB–2.3 MiB | 15.0 ± 5.0 |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| base model | 2 | 0.100 ± 0.000 | — | — | — |"), std::string::npos) << md;
  EXPECT_THROW(summarize_sweep(store, "nope"), UserError);
}

}  // namespace
}  // namespace tb
