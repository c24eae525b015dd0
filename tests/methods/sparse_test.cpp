#include "methods/sparse.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/train/optimizer_state.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

SparseOptions options() {
  SparseOptions o;
  o.density = 0.05;
  o.reselection_steps = 10;
  o.accumulation_steps = 3;
  return o;
}

TEST(SparseFineTuning, TrainsFloorOfDensityTimesEachMatrix) {
  LlamaForCausalLM model(testing::tiny_config());  // q,o 32x32; k,v 16x32; gate,up,down 48x32
  SparseFineTuning sparse(options());
  int64_t n = 0;
  for (const auto& p : sparse.prepare(model, MethodContext{100, {}})) n += p.numel();
  // floor(0.05 * 1024) = 51, floor(0.05 * 512) = 25, floor(0.05 * 1536) = 76.
  EXPECT_EQ(n, 2 * (51 + 25 + 25 + 51 + 76 + 76 + 76));
}

TEST(SparseFineTuning, ScheduleReplacesEverythingFirstThenDecays) {
  SparseFineTuning sparse(options());
  LlamaForCausalLM model(testing::tiny_config());
  sparse.prepare(model, MethodContext{100, {}});
  EXPECT_DOUBLE_EQ(sparse.reselection_rate(3), 1.0);
  EXPECT_DOUBLE_EQ(sparse.reselection_rate(13), 0.2 * (1 - 0.13));
  EXPECT_DOUBLE_EQ(sparse.reselection_rate(53), 0.2 * (1 - 0.53));
}

TEST(SparseFineTuning, ReselectionGrowsByAccumulatedGradientAndSeedsMoments) {
  torch::manual_seed(0);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  SparseFineTuning sparse(options());
  const auto params = sparse.prepare(model, MethodContext{30, {}});
  const auto initial = sparse.deltas()[0]->indices.clone();
  // Record the first window's dense gradients of the first target by hand.
  TrainingOptions o;
  o.steps = 3;  // exactly the first window: the reselection runs after update 3
  o.lr = 1e-2;
  o.warmup_steps = 0;
  train(model, params, o, testing::reverse_batches(data, 0), &sparse,
        [](int64_t, const std::string&, double) {});
  EXPECT_EQ(sparse.reselections(), 1);
  const auto& delta = *sparse.deltas()[0];
  const auto idx = delta.indices;
  std::set<int64_t> distinct(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + idx.numel());
  EXPECT_EQ(int64_t(distinct.size()), idx.numel()) << "positions stay distinct";
  EXPECT_FALSE(torch::equal(idx, initial))
      << "p = 1 at the first reselection: the random start is replaced";
  // The new entries start at phi = 0; those moved had their age set to the window length.
  const auto moved = idx != initial;
  EXPECT_TRUE(
      torch::equal(delta.values.masked_select(moved), torch::zeros({moved.sum().item<int64_t>()})));
}

}  // namespace
}  // namespace tb
