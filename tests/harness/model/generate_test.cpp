#include "harness/model/generate.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace tb {
namespace {

TEST(Generate, CachedGreedyEqualsRecomputingFromScratch) {
  for (int seed = 0; seed < 3; ++seed) {
    torch::manual_seed(seed);
    LlamaForCausalLM model(testing::tiny_config());
    model->eval();
    const std::vector<int64_t> prompt = {256, 'r', 'e', 'v', '('};
    const auto cached = greedy_generate(model, prompt, 30, /*use_cache=*/true, /*stop_tokens=*/{});
    const auto fresh = greedy_generate(model, prompt, 30, /*use_cache=*/false, /*stop_tokens=*/{});
    EXPECT_EQ(cached.size(), 30u);
    EXPECT_EQ(cached, fresh) << "seed " << seed;
  }
}

TEST(Generate, StopsAtMaxPositions) {
  LlamaForCausalLM model(testing::tiny_config());  // 64 positions
  const auto out = greedy_generate(model, std::vector<int64_t>(60, 'a'), 100, true, {});
  EXPECT_EQ(out.size(), 4u);
}

TEST(Generate, ContinuationLogprobIsTheSumOfTokenLogprobs) {
  torch::manual_seed(5);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  const std::vector<int64_t> prompt = {256, 'a', 'b'}, cont = {'c', 'd', 257};
  double expected = 0;
  std::vector<int64_t> seq = prompt;
  torch::NoGradGuard no_grad;
  for (int64_t t : cont) {  // one forward per token, the slow obvious way
    const auto logits = model->forward(torch::tensor(seq).unsqueeze(0));
    expected += torch::log_softmax(logits[0][-1], -1)[t].item<double>();
    seq.push_back(t);
  }
  EXPECT_NEAR(continuation_logprob(model, prompt, cont), expected, 1e-4);
}

}  // namespace
}  // namespace tb

namespace tb {
namespace {

// A model whose greedy outputs depend on the prompt: random weights scaled up.
LlamaForCausalLM peaked_model(int seed) {
  torch::manual_seed(seed);
  LlamaForCausalLM model(testing::tiny_config());
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.mul_(8.0);
  model->eval();
  return model;
}

TEST(Generate, BatchedGreedyEqualsOneSequenceAtATime) {
  LlamaForCausalLM model = peaked_model(2);
  std::vector<std::vector<int64_t>> prompts;
  for (int r = 0; r < 5; ++r) prompts.push_back({256, 'a' + r, 'b', 'c' + 2 * r, '(', 'x' - r});
  const auto batched = greedy_generate_batch(model, prompts, 12, /*stop_tokens=*/{});
  for (size_t r = 0; r < prompts.size(); ++r) {
    EXPECT_EQ(batched[r], greedy_generate(model, prompts[r], 12, true, {})) << "row " << r;
  }
  EXPECT_NE(batched[0], batched[1]) << "the rows see their own prompts";
  // Stopping: a row that emits the stop token ends there, others go on.
  const int64_t stop = batched[0][3];
  const auto stopped = greedy_generate_batch(model, prompts, 12, {.tokens = {stop}});
  for (size_t r = 0; r < prompts.size(); ++r) EXPECT_EQ(stopped[r], greedy_generate(model, prompts[r], 12, true, {stop}));
}

TEST(Generate, BatchedLogprobsEqualOneAtATimeWithUnequalLengths) {
  LlamaForCausalLM model = peaked_model(3);
  const std::vector<std::vector<int64_t>> prompts = {{256, 'a'}, {256, 'q', 'r', 's', 't'}, {256}};
  const std::vector<std::vector<int64_t>> answers = {{'x', 'y', 257}, {'z'}, {'m', 'n', 'o', 'p', 257}};
  const auto batched = continuation_logprobs(model, prompts, answers);
  for (size_t r = 0; r < prompts.size(); ++r) {
    EXPECT_NEAR(batched[r], continuation_logprob(model, prompts[r], answers[r]), 1e-4) << r;
  }
}

}  // namespace
}  // namespace tb
