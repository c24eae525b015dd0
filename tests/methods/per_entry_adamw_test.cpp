#include "methods/per_entry_adamw.h"

#include <gtest/gtest.h>

#include "harness/train/optimizer_state.h"

namespace tb {
namespace {

// With every age equal and no weight decay, the per-entry optimiser is AdamW (eps
// placement aside; the reference decays after the update, LibTorch's AdamW before).
TEST(PerEntryAdamW, EqualsAdamWWhileAgesAreUniform) {
  torch::manual_seed(0);
  auto a = torch::randn({50}).requires_grad_(true);
  auto b = a.detach().clone().requires_grad_(true);
  const auto options =
      torch::optim::AdamWOptions(1e-2).betas({0.9, 0.999}).eps(1e-8).weight_decay(0);
  PerEntryAdamW ours({a}, options);
  torch::optim::AdamW reference({b}, options);
  for (int step = 0; step < 20; ++step) {
    const auto target = torch::randn({50});
    for (auto* p : {&a, &b}) {
      if (p->grad().defined()) p->grad().zero_();
      ((*p - target).pow(3).sum()).backward();
    }
    ours.step();
    reference.step();
  }
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6)) << (a - b).abs().max().item<double>();
  auto* state = dynamic_cast<PerEntryAdamWState*>(adamw_state(ours, a));
  ASSERT_NE(state, nullptr);
  EXPECT_TRUE(torch::equal(state->age, torch::full({50}, 21.0f)));
  EXPECT_EQ(optimizer_state_bytes(ours), 3 * 50 * 4) << "two moments and an age per entry";
}

}  // namespace
}  // namespace tb
