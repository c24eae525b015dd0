#include "methods/dora.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

LoraOptions options() {
  LoraOptions o;
  o.rank = 4;
  o.alpha = 8;
  o.target_modules = {"q_proj", "down_proj"};
  return o;
}

TEST(Dora, TrainableCountIsLoraPlusOneMagnitudePerOutputRow) {
  LlamaForCausalLM model(testing::tiny_config());  // d=32, ffn=48, 2 layers
  Dora dora(options());
  int64_t n = 0;
  for (const auto& p : dora.prepare(model, {})) n += p.numel();
  const int64_t r = 4, d = 32, f = 48;
  EXPECT_EQ(n, 2 * (r * (d + d) + d + r * (f + d) + d));
}

TEST(Dora, MagnitudeStartsAtRowNormsAndTheMergedRowsHaveThatNorm) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto w0 = model->model->blocks[0]->self_attn->q_proj->weight.clone();
  Dora dora(options());
  dora.prepare(model, {});
  auto adapter = std::dynamic_pointer_cast<DoraAdapter>(
      model->model->blocks[0]->self_attn->q_proj->named_children()["dora"]);
  ASSERT_NE(adapter, nullptr);
  EXPECT_TRUE(torch::allclose(adapter->magnitude, w0.norm(2, {1})));
  {
    torch::NoGradGuard no_grad;
    adapter->B.normal_(0, 0.1);
    adapter->magnitude.mul_(1.5);
  }
  const auto magnitude = adapter->magnitude.clone();
  dora.merge(model);
  // W' = m ⊙ V / ||V||_row: every merged row's norm is its magnitude.
  EXPECT_TRUE(torch::allclose(model->model->blocks[0]->self_attn->q_proj->weight.norm(2, {1}),
                              magnitude, 1e-5, 1e-5));
}

TEST(Dora, TheNormIsDetached) {
  torch::manual_seed(1);
  LlamaForCausalLM model(testing::tiny_config());
  Dora dora(options());
  dora.prepare(model, {});
  auto proj = model->model->blocks[0]->self_attn->q_proj;
  auto adapter = std::dynamic_pointer_cast<DoraAdapter>(proj->named_children()["dora"]);
  {
    torch::NoGradGuard no_grad;
    adapter->B.normal_(0, 0.1);
  }
  // With the norm detached, dy/dm = (W0 + sBA) x / ||W0 + sBA||: check the gradient of
  // sum(y) with respect to m against that closed form.
  const auto x = torch::randn({3, 32});
  proj->forward(x).sum().backward();
  const auto v = proj->weight + adapter->scale * torch::mm(adapter->B, adapter->A);
  const auto expected = (torch::mm(x, v.t()) / v.norm(2, {1}).unsqueeze(0)).sum(0).detach();
  EXPECT_TRUE(torch::allclose(adapter->magnitude.grad(), expected, 1e-4, 1e-5));
}

// As PEFT, the bias stays outside the rescaling: the adapted projection of a biased model
// (Qwen2's q/k/v) computes what its merge computes, m ⊙ V x / ||V||_row + b.
TEST(Dora, ABiasStaysOutsideTheRescaling) {
  torch::manual_seed(2);
  LlamaConfig c = testing::tiny_config();
  c.qkv_bias = true;
  LlamaForCausalLM model(c);
  auto proj = model->model->blocks[0]->self_attn->q_proj;
  Dora dora(options());
  dora.prepare(model, {});
  auto adapter = std::dynamic_pointer_cast<DoraAdapter>(proj->named_children()["dora"]);
  {
    torch::NoGradGuard no_grad;
    proj->bias.normal_(0, 0.5);
    adapter->B.normal_(0, 0.1);
    adapter->magnitude.mul_(1.5);
  }
  model->eval();
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({3, 32});
  const auto adapted = proj->forward(x);
  dora.merge(model);
  EXPECT_TRUE(torch::allclose(adapted, proj->forward(x), 1e-5, 1e-5));
}

}  // namespace
}  // namespace tb
