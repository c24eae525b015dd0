#include "methods/ia3.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(Ia3, VectorsOnKeysValuesAndTheDownProjectionInput) {
  LlamaForCausalLM model(testing::tiny_config());  // kv dim 16, ffn 48, 2 layers
  Ia3 ia3(Ia3Options{});
  int64_t n = 0;
  for (const auto& p : ia3.prepare(model, {})) n += p.numel();
  EXPECT_EQ(n, 2 * (16 + 16 + 48)) << "l_k, l_v (kv dim) and l_ff (ffn width) per layer";
}

TEST(Ia3, ScalingMatchesTheDefinitionAndMerges) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  auto v = model->model->blocks[0]->self_attn->v_proj;
  auto down = model->model->blocks[0]->mlp->down_proj;
  const auto wv = v->weight.clone(), wd = down->weight.clone();
  Ia3 ia3(Ia3Options{});
  ia3.prepare(model, {});
  auto lv = std::dynamic_pointer_cast<Ia3Adapter>(v->named_children()["ia3"]);
  auto ld = std::dynamic_pointer_cast<Ia3Adapter>(down->named_children()["ia3"]);
  torch::NoGradGuard no_grad;
  lv->scaling.uniform_(0.5, 1.5);
  ld->scaling.uniform_(0.5, 1.5);
  const auto x = torch::randn({3, 32}), h = torch::randn({3, 48});
  EXPECT_TRUE(torch::allclose(v->forward(x), torch::mm(x, wv.t()) * lv->scaling, 1e-5, 1e-6))
      << "(W x) ⊙ l";
  EXPECT_TRUE(torch::allclose(down->forward(h), torch::mm(h * ld->scaling, wd.t()), 1e-5, 1e-6))
      << "W (x ⊙ l)";
}

}  // namespace
}  // namespace tb
