#include "methods/lift.h"

#include <gtest/gtest.h>

#include "harness/train/optimizer_state.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(Lift, BudgetIsTheLoraRankCountCappedByTheMatrix) {
  LlamaForCausalLM model(testing::tiny_config());  // q,o 32x32; k,v 16x32; gate,up,down 48x32
  LiftOptions o;
  o.rank = 4;
  o.filter_rank = 8;
  Lift lift(o);
  int64_t n = 0;
  for (const auto& p : lift.prepare(model, MethodContext{100, {}})) n += p.numel();
  EXPECT_EQ(n, 2 * (4 * 64 * 2 + 4 * 48 * 2 + 4 * 80 * 3));
  LiftOptions big = o;
  big.rank = 30;  // (16 + 32) * 30 > 16 * 32: capped at the whole matrix
  big.target_modules = {"k_proj"};
  Lift capped(big);
  LlamaForCausalLM other(testing::tiny_config());
  n = 0;
  for (const auto& p : capped.prepare(other, MethodContext{100, {}})) n += p.numel();
  EXPECT_EQ(n, 2 * 16 * 32);
}

TEST(Lift, MaskIsTheLargestEntriesOfTheRankReducedWeight) {
  torch::manual_seed(0);
  const auto w = torch::randn({12, 10});
  const auto positions = Lift::principal_positions(w, 3, 20);
  const auto [U, S, Vh] = torch::linalg_svd(w, false);
  const auto reduced =
      torch::mm(U.narrow(1, 0, 3) * S.narrow(0, 0, 3), Vh.narrow(0, 0, 3)).abs().reshape({-1});
  const auto threshold = std::get<0>(reduced.topk(20)).min().item<float>();
  EXPECT_EQ(positions.size(0), 20);
  EXPECT_TRUE((reduced.index_select(0, positions) >= threshold).all().item<bool>());
  EXPECT_TRUE(torch::equal(positions, std::get<0>(positions.sort()))) << "sorted";
}

TEST(Lift, RefreshMovesMomentsWithTheirPositionsAndTouchesNothingElse) {
  torch::manual_seed(1);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  const auto w0 = model->model->blocks[0]->mlp->up_proj->weight.clone();
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  LiftOptions o;
  o.rank = 2;
  o.filter_rank = 4;
  o.update_interval = 10;
  o.target_modules = {"model\\.layers\\.0\\.mlp\\.up_proj"};
  Lift lift(o);
  const auto params = lift.prepare(model, MethodContext{12, {}});
  TrainingOptions t;
  t.steps = 9;
  t.lr = 5e-2;
  t.warmup_steps = 0;
  // Nine updates, then the refresh after update 10 is driven by hand to inspect moments.
  train(model, params, t, testing::reverse_batches(data, 0), &lift,
        [](int64_t, const std::string&, double) {});
  auto& delta = *lift.deltas()[0];
  // An optimiser state holding a distinct first moment per slot.
  torch::optim::AdamW adam(params, torch::optim::AdamWOptions(1e-3));
  for (auto& p : params) p.mutable_grad() = torch::ones_like(p);
  adam.step();
  auto* state = adamw_state(adam, delta.values);
  state->exp_avg().copy_(torch::arange(1, delta.values.size(0) + 1, torch::kFloat32));
  const auto old_positions = delta.indices.clone();
  lift.after_step(9, adam);  // update 10: refresh
  const auto& fresh = delta.indices;
  for (int64_t j = 0; j < fresh.size(0); ++j) {
    const auto where = (old_positions == fresh[j]).nonzero();
    const float expected = where.size(0) ? float(where[0][0].item<int64_t>() + 1) : 0.0f;
    EXPECT_EQ(state->exp_avg()[j].item<float>(), expected) << "slot " << j;
  }
  EXPECT_TRUE(torch::equal(delta.values, torch::zeros_like(delta.values))) << "folded into W";
  // Entries outside the old mask are the base weight's, bit for bit.
  auto outside = torch::ones({w0.numel()}, torch::kBool);
  outside.index_put_({old_positions}, false);
  const auto w = model->model->blocks[0]->mlp->up_proj->weight.reshape({-1});
  EXPECT_TRUE(torch::equal(w.masked_select(outside), w0.reshape({-1}).masked_select(outside)));
  EXPECT_FALSE(torch::equal(w, w0.reshape({-1}))) << "the trained entries were folded in";
}

}  // namespace
}  // namespace tb
