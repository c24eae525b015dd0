#include "methods/hft.h"

#include <gtest/gtest.h>

#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

LlamaConfig four_layers() {
  LlamaConfig c = testing::tiny_config(/*kv_heads=*/4);  // all attention matrices 32 x 32
  c.num_hidden_layers = 4;
  return c;
}

TEST(HalfFineTuning, TrainsHalfOfEachBlockByThePapersRule) {
  torch::manual_seed(0);
  LlamaForCausalLM model(four_layers());
  HalfFineTuning hft;
  int64_t n = 0;
  for (const auto& p : hft.prepare(model, {})) n += p.numel();
  const int64_t d = 32, f = 48, L = 4;
  // 2 of 4 attention matrices per block; 1 of 3 MLP matrices in half the blocks, 2 in the rest.
  EXPECT_EQ(n, L * 2 * d * d + (L / 2) * (1 + 2) * f * d);
  int mlp_one = 0;
  for (int64_t i = 0; i < L; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    int attention = 0, mlp = 0;
    for (const auto& m :
         {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"})
      attention += hft.trained().count(p + m);
    for (const auto& m : {"mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"})
      mlp += hft.trained().count(p + m);
    EXPECT_EQ(attention, 2);
    EXPECT_TRUE(mlp == 1 || mlp == 2);
    mlp_one += mlp == 1;
  }
  EXPECT_EQ(mlp_one, 2) << "a random half of the blocks freeze 2 of 3";
  EXPECT_EQ(hft.details().at("trained").size(), hft.trained().size())
      << "the draw is recorded with the run";
}

TEST(HalfFineTuning, TheSeedDecidesTheSelection) {
  auto selection = [](uint64_t seed) {
    torch::manual_seed(seed);
    LlamaForCausalLM model(four_layers());
    HalfFineTuning hft;
    hft.prepare(model, {});
    return hft.trained();
  };
  EXPECT_EQ(selection(1), selection(1));
  bool differs = false;
  for (uint64_t s = 2; s < 6; ++s) differs = differs || selection(s) != selection(1);
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace tb
