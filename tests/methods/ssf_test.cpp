#include "methods/ssf.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(Ssf, ScaleAndShiftAfterEveryProjectionAndNorm) {
  LlamaForCausalLM model(testing::tiny_config());  // d=32, q=32, kv=16, ffn=48, 2 layers
  Ssf ssf(0.02);
  int64_t n = 0;
  for (const auto& p : ssf.prepare(model, {})) n += p.numel();
  const int64_t d = 32, q = 32, kv = 16, f = 48;
  const int64_t per_layer = 2 * (q + kv + kv + d + f + f + d) + 2 * (2 * d);
  EXPECT_EQ(n, 2 * per_layer + d) << "the final norm has a scale only";
}

TEST(Ssf, MergedModelIsAPlainLlamaWithBiases) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  Ssf ssf(0.1);  // far from identity, so the fold is exercised
  ssf.prepare(model, {});
  const auto ids = torch::randint(0, 256, {2, 7}, torch::kInt64);
  torch::NoGradGuard no_grad;
  model->eval();
  const auto before = model->forward(ids);
  ssf.merge(model);
  EXPECT_TRUE(model->config.attention_bias && model->config.mlp_bias);
  EXPECT_TRUE(torch::allclose(model->forward(ids), before, 1e-5, 1e-5));
  EXPECT_TRUE(model->model->blocks[0]->self_attn->q_proj->bias.defined());
}

}  // namespace
}  // namespace tb
