#include "methods/prompt_tuning.h"

#include "harness/text/byte_tokenizer.h"

#include <gtest/gtest.h>

#include "harness/model/generate.h"
#include "tests/methods/method_test_util.h"

namespace tb {
namespace {

TEST(PromptTuning, TrainsExactlyTheVirtualTokens) {
  LlamaForCausalLM model(testing::tiny_config());
  PromptTuning method(PromptTuningOptions{5, "random", ""});
  const auto params = method.prepare(model, {});
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].numel(), 5 * 32) << "n_virtual * hidden_size";
  EXPECT_EQ(model->config.num_virtual_tokens, 5);
}

TEST(PromptTuning, TextInitRepeatsTheTextsTokenEmbeddings) {
  LlamaForCausalLM model(testing::tiny_config());
  PromptTuning method(PromptTuningOptions{5, "text", "ab"});
  method.prepare(model, {.tokenizer = &byte_tokenizer()});
  const auto& emb = model->model->embed_tokens->weight;
  const auto ids = torch::tensor({'a', 'b', 'a', 'b', 'a'}, torch::kInt64);
  EXPECT_TRUE(torch::equal(model->model->virtual_tokens, emb.index_select(0, ids)));
}

TEST(PromptTuning, PromptPrecedesTheSequenceAndTheCachedPathAgrees) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  PromptTuning method(PromptTuningOptions{3, "random", ""});
  method.prepare(model, {});
  torch::NoGradGuard no_grad;
  model->eval();
  const auto ids = torch::tensor({{256, 10, 20, 30, 40}}, torch::kInt64);
  const auto full = model->forward(ids);
  EXPECT_EQ(full.size(1), 5) << "virtual positions are not returned";
  KVCache cache;
  const auto first = model->forward(ids.narrow(1, 0, 3), &cache);
  EXPECT_EQ(cache.length, 6) << "3 virtual + 3 real positions";
  const auto rest = model->forward(ids.narrow(1, 3, 2), &cache);
  EXPECT_TRUE(torch::allclose(torch::cat({first, rest}, 1), full, 1e-5, 1e-5));
  // Changing the prompt changes the outputs: the model reads it.
  model->model->virtual_tokens.add_(1.0);
  EXPECT_FALSE(torch::allclose(model->forward(ids), full, 1e-3, 1e-3));
}

// The gradient reaches the prompt: a prompt alone can make the frozen model predict one
// token everywhere (what it cannot do is make it reverse strings: see the contract test).
TEST(PromptTuning, LearnsWhatAPromptCanSteer) {
  torch::manual_seed(1);
  LlamaForCausalLM model = testing::pretrained_tiny_model();
  Batch batch;
  batch.input_ids = torch::randint(0, 256, {8, 12}, torch::kInt64);
  batch.labels = torch::full({8, 12}, int64_t('z'), torch::kInt64);
  PromptTuning method(PromptTuningOptions{8, "random", ""});
  const auto params = method.prepare(model, {});
  TrainingOptions o;
  o.steps = 100;
  o.lr = 0.3;
  o.warmup_steps = 5;
  o.log_every = 1;
  std::vector<double> losses;
  train(
      model, params, o, [&](int64_t) { return batch; }, &method,
      [&](int64_t, const std::string& n, double v) {
        if (n == "train_loss") losses.push_back(v);
      });
  EXPECT_LT(losses.back(), 0.75 * losses.front()) << losses.front() << " -> " << losses.back();
}

}  // namespace
}  // namespace tb
