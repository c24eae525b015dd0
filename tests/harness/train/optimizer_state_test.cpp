#include "harness/train/optimizer_state.h"

#include <gtest/gtest.h>

namespace tb {
namespace {

TEST(OptimizerState, FindsAdamWMomentsAndCountsTheirBytes) {
  auto p = torch::zeros({10, 3}).requires_grad_(true);
  auto q = torch::zeros({4}).requires_grad_(true);
  torch::optim::AdamW optimizer({p, q}, torch::optim::AdamWOptions(0.1));
  EXPECT_EQ(adamw_state(optimizer, p), nullptr) << "no state before the first step";
  (p.sum() + 2 * q.sum()).backward();
  optimizer.step();
  auto* state = adamw_state(optimizer, p);
  ASSERT_NE(state, nullptr);
  EXPECT_TRUE(torch::allclose(state->exp_avg(), torch::full({10, 3}, 0.1f)));  // (1 - 0.9) * grad 1
  EXPECT_EQ(optimizer_state_bytes(optimizer), 2 * (30 + 4) * 4);
}

}  // namespace
}  // namespace tb
