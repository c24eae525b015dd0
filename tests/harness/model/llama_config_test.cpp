#include "harness/model/llama_config.h"

#include <gtest/gtest.h>

#include "harness/model/llama.h"
#include "tests/test_util.h"

namespace tb {
namespace {

int64_t numel_of(const LlamaConfig& c) {
  LlamaForCausalLM model(c);
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  return n;
}

TEST(LlamaConfig, ParameterCountIsTheModelsNumel) {
  LlamaConfig c = testing::tiny_config();
  EXPECT_EQ(parameter_count(c), numel_of(c));
  c.attention_bias = true;
  c.mlp_bias = true;
  c.num_virtual_tokens = 3;
  EXPECT_EQ(parameter_count(c), numel_of(c)) << "biases and virtual tokens count";
}

TEST(LlamaConfig, ParameterCountOfTheQuickstartModel) {
  LlamaConfig c;  // experiments/quickstart.json's base model
  c.hidden_size = 128;
  c.intermediate_size = 384;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  EXPECT_EQ(parameter_count(c), 853888) << "full_ft's trainable count in the docs (methods.md, performance.md)";
}

}  // namespace
}  // namespace tb
