#include "harness/model/llama.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Llama, ParameterNamesMatchHuggingFace) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  std::set<std::string> names;
  for (const auto& p : model->named_parameters()) names.insert(p.key());
  std::set<std::string> expected = {"model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"};
  for (int i = 0; i < 2; ++i) {
    const std::string l = "model.layers." + std::to_string(i) + ".";
    for (const char* n : {"self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                          "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
                          "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight"}) {
      expected.insert(l + n);
    }
  }
  EXPECT_EQ(names, expected);
}

TEST(Llama, ParameterCountMatchesClosedForm) {
  const LlamaConfig c = testing::tiny_config();
  LlamaForCausalLM model(c);
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  const int64_t d = c.hidden_size, kv = c.num_key_value_heads * c.head_dim();
  const int64_t per_layer = d * d * 2 + d * kv * 2 + 3 * d * c.intermediate_size + 2 * d;
  EXPECT_EQ(n, 2 * c.vocab_size * d + c.num_hidden_layers * per_layer + d);
  EXPECT_EQ(parameter_count(c), n);  // what spec validation bounds
}

TEST(Llama, IsCausal) {
  torch::manual_seed(1);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  torch::NoGradGuard no_grad;
  auto ids = torch::randint(0, 256, {2, 12}, torch::kInt64);
  auto changed = ids.clone();
  changed.index_put_({torch::indexing::Slice(), 8}, (ids.select(1, 8) + 1) % 256);
  const auto a = model->forward(ids), b = model->forward(changed);
  EXPECT_TRUE(torch::equal(a.narrow(1, 0, 8), b.narrow(1, 0, 8))) << "positions before the change are unaffected";
  EXPECT_FALSE(torch::allclose(a.narrow(1, 8, 4), b.narrow(1, 8, 4))) << "the change is visible from its position on";
}

TEST(Llama, KVCacheStepsEqualRecomputation) {
  for (int64_t kv_heads : {1, 2, 4}) {
    torch::manual_seed(2);
    LlamaForCausalLM model(testing::tiny_config(kv_heads));
    model->eval();
    torch::NoGradGuard no_grad;
    auto ids = torch::randint(0, 256, {1, 10}, torch::kInt64);
    const auto full = model->forward(ids);
    KVCache cache;
    std::vector<torch::Tensor> pieces = {model->forward(ids.narrow(1, 0, 4), &cache)};  // prefill 4
    for (int64_t t = 4; t < 10; ++t) pieces.push_back(model->forward(ids.narrow(1, t, 1), &cache));
    EXPECT_EQ(cache.length, 10);
    EXPECT_TRUE(torch::allclose(torch::cat(pieces, 1), full, 1e-5, 1e-5)) << "kv_heads=" << kv_heads;
  }
}

TEST(Llama, ChunkedPrefillOnAFilledCacheEqualsRecomputation) {
  // Several new tokens on top of a non-empty cache exercise the offset causal mask.
  torch::manual_seed(6);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  torch::NoGradGuard no_grad;
  auto ids = torch::randint(0, 256, {2, 10}, torch::kInt64);
  const auto full = model->forward(ids);
  KVCache cache;
  const auto a = model->forward(ids.narrow(1, 0, 4), &cache);
  const auto b = model->forward(ids.narrow(1, 4, 3), &cache);
  const auto c = model->forward(ids.narrow(1, 7, 3), &cache);
  EXPECT_TRUE(torch::allclose(torch::cat({a, b, c}, 1), full, 1e-5, 1e-5));
}

TEST(Llama, GroupedKeyValueHeadsEqualRepeatedHeads) {
  // A GQA model equals a full multi-head model whose K/V projections repeat each KV head.
  torch::manual_seed(3);
  LlamaForCausalLM gqa(testing::tiny_config(2));
  LlamaForCausalLM mha(testing::tiny_config(4));
  torch::NoGradGuard no_grad;
  auto mha_params = mha->named_parameters();
  for (const auto& p : gqa->named_parameters()) {
    auto target = mha_params[p.key()];
    if (p.key().find("k_proj") != std::string::npos || p.key().find("v_proj") != std::string::npos) {
      const int64_t head_dim = 8;
      target.copy_(p.value().view({2, head_dim, 32}).repeat_interleave(2, 0).reshape({32, 32}));
    } else {
      target.copy_(p.value());
    }
  }
  auto ids = torch::randint(0, 256, {2, 7}, torch::kInt64);
  EXPECT_TRUE(torch::allclose(gqa->forward(ids), mha->forward(ids), 1e-5, 1e-5));
}

TEST(Llama, LossIgnoresMaskedLabels) {
  auto logits = torch::randn({1, 3, 5});
  auto labels = torch::tensor({int64_t(1), kIgnoreLabel, int64_t(4)}).unsqueeze(0);
  const auto logp = torch::log_softmax(logits, -1);
  const double expected = -(logp[0][0][1].item<double>() + logp[0][2][4].item<double>()) / 2;
  EXPECT_NEAR(causal_lm_loss(logits, labels).item<double>(), expected, 1e-6);
}

}  // namespace
}  // namespace tb
