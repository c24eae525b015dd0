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
    const auto cached = greedy_generate(model, prompt, 30, /*use_cache=*/true, /*stop_token=*/-1);
    const auto fresh = greedy_generate(model, prompt, 30, /*use_cache=*/false, /*stop_token=*/-1);
    EXPECT_EQ(cached.size(), 30u);
    EXPECT_EQ(cached, fresh) << "seed " << seed;
  }
}

TEST(Generate, StopsAtMaxPositions) {
  LlamaForCausalLM model(testing::tiny_config());  // 64 positions
  const auto out = greedy_generate(model, std::vector<int64_t>(60, 'a'), 100, true, -1);
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
