#include "methods/bitfit.h"

#include <gtest/gtest.h>

#include "methods/registry.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(BitFit, TrainsOneBiasPerProjectionOutput) {
  LlamaForCausalLM model(testing::tiny_config());  // d=32, q=32, kv=16, ffn=48, 2 layers
  BitFit bitfit;
  int64_t n = 0;
  for (const auto& p : bitfit.prepare(model, {})) n += p.numel();
  EXPECT_EQ(n, 2 * (32 + 16 + 16 + 32 + 48 + 48 + 32));
  EXPECT_TRUE(model->config.attention_bias && model->config.mlp_bias);
}

TEST(BitFit, RefusesToTrainNothingWithoutAddedBiases) {
  const MethodInfo* info = find_method("bitfit");
  try {
    info->check({{"add_biases", false}}, testing::tiny_config(),
                JsonLocation("spec.json", "methods[0]"));
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(
                  "spec.json: methods[0].add_biases: Llama's projections and norms have no biases"),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace tb
