// training.dtype bf16: where weights are stored, what autocast computes in, and a few
// training steps whose trainable parameters and optimiser state stay fp32 and whose loss
// follows the fp32 run's closely.
#include "harness/model/compute_precision.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/data/reverse_task.h"
#include "harness/exec/run_device.h"
#include "methods/lora.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(ComputePrecision, Bf16RunsMatrixProductsInBf16OnlyInsideTheGuard) {
  const auto a = torch::randn({4, 8}), b = torch::randn({8, 3});
  {
    const ComputePrecisionGuard precision(torch::kBFloat16, torch::kCPU);
    EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kBFloat16);
    {
      const ComputePrecisionGuard nested(torch::kFloat32, torch::kCPU);  // fp32 changes nothing
      EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ((a + 1).scalar_type(), torch::kFloat32) << "element-wise operations keep their inputs' dtype";
  }
  EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kFloat32);
}

// The losses of `steps` LoRA steps on the tiny model in `dtype`, and the model after them.
std::pair<std::vector<double>, LlamaForCausalLM> lora_steps(const std::string& dtype, int64_t steps) {
  const TaskData data = make_task_data(ReverseTask(3, 5), 60, 4, 1);
  LlamaForCausalLM tuned = testing::pretrained_tiny_model(), base = testing::pretrained_tiny_model();
  LoraOptions lo;
  lo.rank = 4;
  lo.target_modules = {"q_proj", "v_proj", "up_proj"};
  Lora lora(lo);
  torch::manual_seed(3);
  const auto params = lora.prepare(tuned, testing::method_context(steps, testing::reverse_batches(data, 1), data, tuned));
  TrainingOptions o;
  o.steps = steps;
  o.lr = 3e-3;
  o.warmup_steps = 2;
  o.log_every = 1;
  o.dtype = dtype;
  place_for_training(tuned, base, o, torch::kCPU);
  std::vector<double> losses;
  const auto summary = train(tuned, params, o, testing::reverse_batches(data, 0), &lora,
                             [&](int64_t, const std::string& name, double v) {
                               if (name == "train_loss") losses.push_back(v);
                             });
  EXPECT_EQ(base->model->embed_tokens->weight.scalar_type(), dtype == "bf16" ? torch::kBFloat16 : torch::kFloat32);
  for (const auto& p : params) EXPECT_EQ(p.scalar_type(), torch::kFloat32) << "trainable parameters stay fp32";
  EXPECT_GT(summary.optimizer_state_bytes, 0);
  return {losses, tuned};
}

TEST(ComputePrecision, Bf16StoresFrozenWeightsInBf16AndTrainsLikeFp32) {
  auto [bf16_losses, tuned] = lora_steps("bf16", 12);
  const auto [fp32_losses, fp32_model] = lora_steps("fp32", 12);
  EXPECT_EQ(tuned->model->blocks[0]->self_attn->q_proj->weight.scalar_type(), torch::kBFloat16) << "frozen: bf16";
  EXPECT_EQ(tuned->model->norm->weight.scalar_type(), torch::kBFloat16);
  for (size_t i = 0; i < fp32_losses.size(); ++i)
    EXPECT_NEAR(bf16_losses[i], fp32_losses[i], 0.03 * fp32_losses[i]) << "step " << i + 1;
  EXPECT_LT(bf16_losses.back(), bf16_losses.front()) << "it learns";
  restore_full_precision(tuned);
  for (const auto& p : tuned->parameters()) EXPECT_EQ(p.scalar_type(), torch::kFloat32);
}

TEST(ComputePrecision, TheBaseModelMirrorsWhereTrainingStarts) {
  // Frozen weights are bf16 in both models; a trained one stays fp32 in both, so the
  // spectra of what changed hold no bfloat16 rounding.
  LlamaForCausalLM tuned = testing::pretrained_tiny_model(), base = testing::pretrained_tiny_model();
  for (auto& p : tuned->parameters()) p.requires_grad_(false);
  tuned->model->norm->weight.requires_grad_(true);
  TrainingOptions o;
  o.dtype = "bf16";
  place_for_training(tuned, base, o, torch::kCPU);
  EXPECT_EQ(tuned->model->norm->weight.scalar_type(), torch::kFloat32);
  EXPECT_EQ(base->model->norm->weight.scalar_type(), torch::kFloat32);
  EXPECT_EQ(base->model->blocks[1]->mlp->up_proj->weight.scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(base->model->blocks[1]->mlp->up_proj->weight, tuned->model->blocks[1]->mlp->up_proj->weight));
  EXPECT_EQ(base->model->compute_dtype, torch::kBFloat16) << "the base evaluates in the run's precision";
}

}  // namespace
}  // namespace tb
