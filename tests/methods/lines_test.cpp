// LiNeS (Wang et al. 2025, Eq. 1): the closed-form per-block scale, and its end points.
#include "methods/lines.h"

#include <gtest/gtest.h>

#include "methods/registry.h"
#include "tests/methods/posthoc_test_util.h"

namespace tb {
namespace {

TensorMap lines(const TensorMap& base, const TensorMap& tuned, double alpha, double beta) {
  Lines method(alpha, beta);
  return method.combine({base, {tuned}, nullptr});
}

TEST(Lines, ScaleRisesLinearlyOverTheBlocks) {
  EXPECT_DOUBLE_EQ(lines_scale("model.layers.0.mlp.up_proj.weight", 4, 0.2, 0.8), 0.2);
  EXPECT_DOUBLE_EQ(lines_scale("model.layers.1.mlp.up_proj.weight", 4, 0.2, 0.8), 0.2 + 0.8 / 3);
  EXPECT_DOUBLE_EQ(lines_scale("model.layers.3.self_attn.q_proj.weight", 4, 0.2, 0.8), 1.0);
  EXPECT_DOUBLE_EQ(lines_scale("model.embed_tokens.weight", 4, 0.2, 0.8), 0.2) << "outside the blocks: alpha";
  EXPECT_DOUBLE_EQ(lines_scale("lm_head.weight", 4, 0.2, 0.8), 0.2);
  EXPECT_DOUBLE_EQ(lines_scale("model.layers.11.mlp.up_proj.weight", 12, 0.0, 1.0), 1.0) << "two-digit index";
}

TEST(Lines, AlphaOneReturnsTheTunedModelAndZeroZeroTheBase) {
  const TensorMap base = testing::random_model(1);
  const TensorMap tuned = testing::tuned_from(base, 2);
  // Single-task default: beta = 1 - alpha.
  const MethodInfo* info = find_method("lines");
  const auto alpha_one = info->make_posthoc({{"alpha", 1.0}, {"beta", -1.0}});
  EXPECT_TRUE(testing::same_bits(alpha_one->combine({base, {tuned}, nullptr}), tuned));
  EXPECT_TRUE(testing::same_bits(lines(base, tuned, 0.0, 0.0), base));
  EXPECT_FALSE(testing::same_bits(lines(base, tuned, 0.5, 0.0), tuned));
}

TEST(Lines, EachBlockKeepsItsShareOfTheUpdate) {
  const TensorMap base = testing::random_model(1);
  const TensorMap tuned = testing::tuned_from(base, 2);
  const TensorMap out = lines(base, tuned, 0.3, 0.7);  // the tiny model has 2 blocks: 0.3, 1.0
  for (const auto& [name, expected_scale] :
       std::vector<std::pair<std::string, double>>{{"model.layers.0.mlp.down_proj.weight", 0.3},
                                                   {"model.layers.1.mlp.down_proj.weight", 1.0},
                                                   {"model.embed_tokens.weight", 0.3}}) {
    const auto tau = tuned.at(name) - base.at(name);
    const auto got = out.at(name) - base.at(name);
    EXPECT_TRUE(torch::allclose(got, expected_scale * tau, 1e-5, 1e-6)) << name;
  }
}

TEST(Lines, AParentWithOtherParametersIsRefused) {
  const TensorMap base = testing::random_model(1);
  TensorMap extra = base;
  extra["model.layers.0.mlp.up_proj.bias"] = torch::zeros({4});
  EXPECT_THROW(lines(base, extra, 0.5, 0.5), std::runtime_error);
}

}  // namespace
}  // namespace tb
