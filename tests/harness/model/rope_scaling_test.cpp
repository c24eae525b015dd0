// RoPE scalings against hand-computed values of the formulas of the papers and of
// transformers' modeling_rope_utils (head_dim 8, theta 10^4, so the plain inverse
// frequencies are 1, 0.1, 0.01, 0.001), and the configs that record them.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/model/hf_config.h"
#include "harness/model/llama.h"
#include "harness/model/rotary.h"
#include "tests/test_util.h"

namespace tb {
namespace {

std::vector<double> frequencies(const RopeScaling& s, int64_t length = 0) {
  const auto f = rotary_inverse_frequencies(8, 10000.0, s, length).contiguous();
  return std::vector<double>(f.data_ptr<double>(), f.data_ptr<double>() + f.numel());
}

RopeScaling scaling(const std::string& type, double factor, int64_t original = 64) {
  RopeScaling s;
  s.type = type;
  s.factor = factor;
  s.original_max_position_embeddings = original;
  return s;
}

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, want[i])) << i;
}

// Position interpolation (Chen et al. 2023, eq. 4): every frequency divided by the factor.
TEST(RopeScaling, LinearDividesEveryFrequency) {
  expect_near_all(frequencies(scaling("linear", 4)), {0.25, 0.025, 0.0025, 0.00025});
}

// Dynamic NTK: for 128 tokens, L = 64 and factor 4 the base becomes
// 10^4 (4 * 128 / 64 - 3)^(8/6) = 10^4 * 5^(4/3), so inv_freq_i = 10^(-i) * 5^(-i/3).
TEST(RopeScaling, DynamicNtkGrowsTheBasePastTheOriginalLength) {
  expect_near_all(frequencies(scaling("dynamic", 4), 128),
                  {1.0, 0.1 * std::pow(5.0, -1.0 / 3), 0.01 * std::pow(5.0, -2.0 / 3), 0.001 / 5});
  EXPECT_EQ(frequencies(scaling("dynamic", 4), 64), frequencies(RopeScaling{}));
}

// YaRN (Peng et al. 2023, eqs. 17-18 and transformers' _compute_yarn_parameters): over
// L = 64 positions the correction dims are c(32) = 8 ln(64 / 64 pi) / (2 ln 10^4) = -0.497
// -> low 0 and c(1) = 1.008 -> high 2, so the ramp over i = 0..3 is (0, 0.5, 1, 1): dim 0
// keeps its frequency, dim 1 blends half and half, dims 2 and 3 are interpolated.
TEST(RopeScaling, YarnRampsBetweenExtrapolationAndInterpolation) {
  expect_near_all(frequencies(scaling("yarn", 4)), {1.0, 0.1 * (0.5 / 4 + 0.5), 0.01 / 4, 0.001 / 4});
  EXPECT_NEAR(rotary_attention_factor(scaling("yarn", 4)), 0.1 * std::log(4.0) + 1, 1e-15);
  RopeScaling given = scaling("yarn", 4);
  given.attention_factor = 1.5;
  EXPECT_EQ(rotary_attention_factor(given), 1.5);
  EXPECT_EQ(rotary_attention_factor(scaling("linear", 4)), 1.0);
}

// YaRN's temperature multiplies both cos and sin (so q.k by its square).
TEST(RopeScaling, YarnTablesCarryTheAttentionFactor) {
  LlamaConfig c = testing::tiny_config();
  c.rope_scaling = scaling("yarn", 4, 16);
  const RotaryTables t = make_rotary_tables(c, 8);
  EXPECT_NEAR(t.cos[0][0].item<double>(), 0.1 * std::log(4.0) + 1, 1e-6);
  EXPECT_NEAR(t.sin[0][0].item<double>(), 0.0, 1e-7);
}

TEST(RopeScaling, FactorOneEqualsNoScalingBitForBit) {
  const auto plain = rotary_inverse_frequencies(8, 10000.0, RopeScaling{});
  for (const std::string type : {"linear", "yarn", "llama3"})
    EXPECT_TRUE(torch::equal(rotary_inverse_frequencies(8, 10000.0, scaling(type, 1)), plain)) << type;
  LlamaConfig plain_config = testing::tiny_config(), yarn = plain_config;
  yarn.rope_scaling = scaling("yarn", 1, 16);
  EXPECT_TRUE(torch::equal(make_rotary_tables(yarn, 64).cos, make_rotary_tables(plain_config, 64).cos));
  // Within the original length dynamic NTK is the unscaled model, logits included.
  torch::manual_seed(0);
  LlamaForCausalLM model(plain_config);
  const auto ids = torch::randint(0, 259, {2, 16});
  const auto before = model->forward(ids);
  model->set_rope(scaling("dynamic", 4, 16), plain_config.max_position_embeddings);
  EXPECT_TRUE(torch::equal(model->forward(ids), before));
  // Past it the whole sequence gets the grown base (transformers does the same per forward).
  const auto longer = torch::cat({ids, torch::randint(0, 259, {2, 16})}, 1);
  EXPECT_FALSE(torch::allclose(model->forward(longer).narrow(1, 0, 16), before));
}

TEST(RopeScaling, SavedConfigLoadsBackIdentically) {
  for (const std::string type : {"linear", "dynamic", "yarn", "llama3"}) {
    LlamaConfig c = testing::tiny_config();
    c.rope_scaling = scaling(type, 4, type == "linear" ? RopeScaling{}.original_max_position_embeddings : 32);
    if (type == "yarn") c.rope_scaling.beta_fast = 16;
    const LlamaConfig back = LlamaConfig::from_json(nlohmann::json::parse(c.to_json().dump()));
    EXPECT_EQ(back.rope_scaling, c.rope_scaling) << type;
    EXPECT_EQ(back.to_json(), c.to_json()) << type;
  }
}

// transformers reads YaRN's factor as max_position_embeddings / original and pivots dynamic
// NTK on max_position_embeddings: the exported config.json says so, and reads back the same.
TEST(RopeScaling, HuggingFaceConfigCarriesTheScalingTransformersReads) {
  LlamaConfig c = testing::tiny_config();
  c.max_position_embeddings = 256;
  for (const std::string type : {"linear", "dynamic", "yarn"}) {
    c.rope_scaling = scaling(type, 4, 32);
    const auto exported = hf_config_json(c, "float32", nlohmann::json::object());
    const int64_t expected_positions = type == "dynamic" ? 32 : type == "yarn" ? 128 : 256;
    EXPECT_EQ(exported.at("max_position_embeddings").get<int64_t>(), expected_positions) << type;
    EXPECT_EQ(exported.at("rope_scaling").at("rope_type"), type);
    const LlamaConfig back = hf_config_from_json(nlohmann::json::parse(exported.dump()), "config.json");
    EXPECT_EQ(back.rope_scaling.type, type);
    EXPECT_EQ(back.rope_scaling.factor, 4.0) << type;
    if (type != "linear") EXPECT_EQ(back.rope_scaling.original_max_position_embeddings, 32) << type;
  }
}

}  // namespace
}  // namespace tb
