#include "methods/sparse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>
#include <stdexcept>

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

TEST(SparseFineTuning, SharesIntOfDensityTimesAllParametersBySize) {
  LlamaForCausalLM model(testing::tiny_config());  // q,o 32x32; k,v 16x32; gate,up,down 48x32
  SparseFineTuning sparse(options());
  int64_t n = 0;
  for (const auto& p : sparse.prepare(model, MethodContext{100, {}})) n += p.numel();
  // All 32,096 parameters (embeddings, head, norms): int(0.05 * 32096) = 1604 entries over
  // the 15,360 target entries: int(1604 * 1024 / 15360) = 106, int(1604 * 512 / 15360) = 53,
  // int(1604 * 1536 / 15360) = 160.
  EXPECT_EQ(n, 2 * (106 + 53 + 53 + 106 + 160 + 160 + 160));
}

TEST(SparseFineTuning, QuickstartBudgets) {
  LlamaConfig c;  // experiments/quickstart.json's base model, 853,888 parameters
  c.hidden_size = 128;
  c.intermediate_size = 384;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  const auto targets = projection_infos(c);
  auto total = [&](double density, const std::string& rule) {
    int64_t n = 0;
    for (const auto& [name, k] : sparse_entries(density, rule, targets, parameter_count(c))) n += k;
    return n;
  };
  // int(0.1 * 853888) = 85388 shared: 1778 (q, o), 889 (k, v), 5336 (MLP) per block.
  EXPECT_EQ(total(0.1, "model"), 4 * (2 * 1778 + 2 * 889 + 3 * 5336));
  EXPECT_EQ(total(0.1, "model"), 85368) << "the figure in docs/methods.md";
  EXPECT_EQ(total(0.01, "model"), 8516) << "the figure in docs/methods.md at the default density";
  EXPECT_EQ(total(0.1, "per_matrix"), 78636);
}

TEST(SparseFineTuning, BudgetsBeyondTheTargetsAreRefused) {
  const auto targets = projection_infos(testing::tiny_config());
  const auto only_k = std::vector<ProjectionInfo>{targets[1]};
  EXPECT_THROW(sparse_entries(0.5, "model", only_k, 32096), std::invalid_argument)
      << "16,048 entries in a 512-entry matrix";
  EXPECT_THROW(sparse_entries(1e-5, "model", only_k, 32096), std::invalid_argument)
      << "no entry left for the matrix";
  EXPECT_EQ(sparse_entries(0.5, "per_matrix", only_k, 32096).at(targets[1].name), 256);
}

TEST(SparseFineTuning, PerMatrixRuleTrainsFloorOfDensityTimesEachMatrix) {
  LlamaForCausalLM model(testing::tiny_config());  // q,o 32x32; k,v 16x32; gate,up,down 48x32
  SparseOptions o = options();
  o.density_rule = "per_matrix";
  SparseFineTuning sparse(o);
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

TEST(SparseFineTuning, CosineScheduleHasNoFullReplacementStep) {
  SparseOptions o = options();
  o.schedule = "cosine";
  SparseFineTuning sparse(o);
  LlamaForCausalLM model(testing::tiny_config());
  sparse.prepare(model, MethodContext{100, {}});
  // The reference's cosine branch: p = 0.2 (1 + cos(pi t / T)) / 2 from the first
  // reselection (t = 3) on.
  EXPECT_DOUBLE_EQ(sparse.reselection_rate(3), 0.2 * (1 + std::cos(std::numbers::pi * 0.03)) / 2);
  EXPECT_DOUBLE_EQ(sparse.reselection_rate(53), 0.2 * (1 + std::cos(std::numbers::pi * 0.53)) / 2);
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
