#include "methods/eva.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(Eva, RedistributesTheRankBudgetAndInitialisesAFromInputDirections) {
  torch::manual_seed(0);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  ReverseTask task(2, 3);
  const TaskData data = make_task_data(task, 200, 10, 0);
  EvaOptions o;
  o.lora.rank = 4;
  o.lora.alpha = 8;
  o.lora.target_modules = {"q_proj", "o_proj"};  // all 32 x 32: the count is closed-form
  Eva eva(o);
  int64_t n = 0;
  for (const auto& p : eva.prepare(model, MethodContext{10, testing::reverse_batches(data, 3)}))
    n += p.numel();
  int64_t total_rank = 0;
  for (const auto& [name, r] : eva.ranks()) {
    EXPECT_GE(r, 0);
    EXPECT_LE(r, 8) << "at most round(rho * r) = 8";
    total_rank += r;
  }
  EXPECT_EQ(total_rank, 4 * 4) << "the budget r * (number of targets) is kept";
  EXPECT_EQ(n, total_rank * (32 + 32));
  EXPECT_GE(eva.batches_used(), 2);
  EXPECT_EQ(eva.details().at("ranks").size(), 4u) << "the ranks are recorded with the run";
  for (auto& [name, proj] : model->projections()) {
    if (!proj->has_adapters()) continue;
    auto a = std::dynamic_pointer_cast<LoraAdapter>(proj->named_children()["eva"]);
    ASSERT_NE(a, nullptr);
    const auto gram = torch::mm(a->A, a->A.t());
    EXPECT_TRUE(torch::allclose(gram, torch::eye(a->A.size(0)), 1e-4, 1e-4))
        << name << ": orthonormal rows";
    EXPECT_TRUE(torch::equal(a->B, torch::zeros_like(a->B)));
    EXPECT_DOUBLE_EQ(a->scale, 8.0 / 4.0) << "alpha_l / r_l = alpha / r";
  }
}

}  // namespace
}  // namespace tb
