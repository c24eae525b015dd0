// Sampled decoding: the same seed gives the same samples bit for bit; temperature 0, top-k 1
// and a nucleus narrower than the top token are all greedy decoding; top-k and top-p keep
// exactly the tokens transformers' warpers keep.
#include "harness/model/sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <set>

#include "harness/text/byte_tokenizer.h"
#include "tests/test_util.h"

namespace tb {
namespace {

std::vector<std::vector<int64_t>> prompts() {
  // Two lengths, several copies each: the groups that decode together.
  return {{1, 5, 9}, {1, 5, 9}, {1, 7}, {1, 5, 9}, {1, 7}, {1, 2, 3, 4}};
}

std::vector<std::vector<int64_t>> sample(LlamaForCausalLM& model, const SamplingOptions& o, uint64_t seed,
                                         const std::vector<int64_t>& stop = {}) {
  auto generator = at::detail::createCPUGenerator(seed);
  return sample_continuations(model, prompts(), o, {.tokens = stop}, generator);
}

TEST(Sampling, TheSameSeedGivesTheSameSamplesBitForBit) {
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  const SamplingOptions o{.temperature = 1.0, .max_new_tokens = 12};
  const auto a = sample(model, o, 7), b = sample(model, o, 7), c = sample(model, o, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (const auto& row : a) EXPECT_EQ(row.size(), 12u);
  EXPECT_NE(a[0], a[1]) << "copies of one prompt draw different samples";
}

TEST(Sampling, TemperatureZeroTopKOneAndANarrowNucleusAreGreedy) {
  torch::manual_seed(1);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  const std::vector<int64_t> stop = {2};
  for (const SamplingOptions& o : {SamplingOptions{.temperature = 0.0, .max_new_tokens = 10},
                                   SamplingOptions{.temperature = 1.0, .top_k = 1, .max_new_tokens = 10},
                                   SamplingOptions{.temperature = 1.0, .top_p = 1e-6, .max_new_tokens = 10}}) {
    const auto sampled = sample(model, o, 3, stop);
    for (size_t i = 0; i < prompts().size(); ++i) {
      std::vector<int64_t> text = sampled[i];
      if (!text.empty() && text.back() == 2) text.pop_back();  // sampling keeps the stop token
      EXPECT_EQ(text, greedy_generate(model, prompts()[i], 10, /*use_cache=*/true, stop)) << i;
    }
  }
}

TEST(Sampling, TopKAndTopPKeepWhatTransformersKeeps) {
  // Probabilities 0.5, 0.3, 0.15, 0.05. transformers removes, sorted ascending, the tokens
  // whose cumulative probability is at most 1 - top_p: top_p 0.7 and 0.75 remove 0.05 and
  // 0.15 (cumulative 0.05, 0.2), top_p 0.9 only 0.05; top_k 3 keeps the first three.
  const auto logits = torch::tensor({0.5, 0.3, 0.15, 0.05}).log().unsqueeze(0).repeat({4000, 1});
  auto drawn = [&](const SamplingOptions& o) {
    auto generator = at::detail::createCPUGenerator(11);
    const auto ids = sample_next_tokens(logits, o, generator);
    std::set<int64_t> seen;
    for (int64_t i = 0; i < ids.size(0); ++i) seen.insert(ids[i].item<int64_t>());
    return seen;
  };
  EXPECT_EQ(drawn({.top_p = 0.7}), (std::set<int64_t>{0, 1}));
  EXPECT_EQ(drawn({.top_p = 0.75}), (std::set<int64_t>{0, 1}));
  EXPECT_EQ(drawn({.top_p = 0.9}), (std::set<int64_t>{0, 1, 2}));
  EXPECT_EQ(drawn({.top_k = 3}), (std::set<int64_t>{0, 1, 2}));
  EXPECT_EQ(drawn({}), (std::set<int64_t>{0, 1, 2, 3}));
}

TEST(Sampling, ARowEndsAfterItsStopTextAndKeepsIt) {
  torch::manual_seed(3);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  const SamplingOptions o{.max_new_tokens = 6};
  const std::vector<std::vector<int64_t>> one = {{1, 5, 9}};
  auto generator = at::detail::createCPUGenerator(9);
  const auto free = sample_continuations(model, one, o, {}, generator)[0];
  ASSERT_EQ(free.size(), 6u);
  // The same draws with the third token's text as the stop text: the row ends right after it.
  const std::string text = byte_tokenizer().decode({free[2]}, /*skip_special=*/false);
  ASSERT_FALSE(text.empty() || byte_tokenizer().decode({free[0], free[1]}, false).find(text) != std::string::npos)
      << "with this seed the third token's text must be new: pick another seed";
  auto again = at::detail::createCPUGenerator(9);
  const auto stopped = sample_continuations(model, one, o, {.text = text, .tokenizer = &byte_tokenizer()}, again)[0];
  EXPECT_EQ(stopped, std::vector<int64_t>(free.begin(), free.begin() + 3));
}

TEST(Sampling, ARowEndsAfterItsStopTokenAndKeepsIt) {
  torch::manual_seed(2);
  LlamaForCausalLM model(testing::tiny_config());
  model->eval();
  // Every token is a stop token: each row is exactly one token long.
  std::vector<int64_t> all(size_t(model->config.vocab_size));
  for (size_t i = 0; i < all.size(); ++i) all[i] = int64_t(i);
  for (const auto& row : sample(model, {.max_new_tokens = 8}, 4, all)) EXPECT_EQ(row.size(), 1u);
}

}  // namespace
}  // namespace tb
