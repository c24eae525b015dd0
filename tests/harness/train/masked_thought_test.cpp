// Masked Thought (Chen et al. 2024): only response inputs are replaced, labels never; the
// count per sequence is Binomial(#response tokens, p); the rate follows the paper's warm-up.
#include "harness/train/masked_thought.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "harness/data/reverse_task.h"
#include "harness/model/llama.h"
#include "harness/text/byte_tokenizer.h"
#include "harness/train/sft_batches.h"

namespace tb {
namespace {

Batch reverse_batch(int64_t items) {
  static const TaskData data = make_task_data(ReverseTask(3, 6), 400, 10, 0);
  std::vector<size_t> idx;
  for (int64_t i = 0; i < items; ++i) idx.push_back(size_t(i));
  return make_sft_batch(data.train, idx, byte_tokenizer(), 1 << 20);
}

TEST(MaskedThought, ResponsePositionsAreTheAnswerInputs) {
  const Batch batch = reverse_batch(4);
  // BOS prompt answer EOS: the answer tokens are inputs; their predecessors carry labels.
  for (int64_t r = 0; r < 4; ++r) {
    for (int64_t p = 1; p < batch.input_ids.size(1); ++p) {
      const bool labelled_before = batch.labels[r][p - 1].item<int64_t>() != kIgnoreLabel;
      const bool is_eos_target = batch.labels[r][p - 1].item<int64_t>() == kEosToken;
      EXPECT_EQ(batch.response[r][p].item<bool>(), labelled_before && !is_eos_target) << r << "," << p;
    }
    EXPECT_FALSE(batch.response[r][0].item<bool>());
  }
}

TEST(MaskedThought, OnlyResponseInputsChangeAndLabelsNever) {
  const Batch batch = reverse_batch(64);
  Rng rng(1);
  const Batch masked = mask_response_inputs(batch, 0.5, false, rng, byte_tokenizer());
  EXPECT_TRUE(torch::equal(masked.labels, batch.labels));
  const auto changed = masked.input_ids != batch.input_ids;
  EXPECT_FALSE((changed & ~batch.response).any().item<bool>()) << "a prompt or padding input changed";
  EXPECT_TRUE((masked.input_ids.masked_select(changed) == kPadToken).all().item<bool>());
  EXPECT_TRUE(changed.any().item<bool>());
  Rng random_rng(2);
  const Batch replaced = mask_response_inputs(batch, 1.0, true, random_rng, byte_tokenizer());
  const auto r = replaced.input_ids.masked_select(batch.response);
  EXPECT_TRUE((r >= 0).all().item<bool>() && (r < 256).all().item<bool>()) << "random bytes, never specials";
  Rng none_rng(3);
  EXPECT_TRUE(torch::equal(mask_response_inputs(batch, 0.0, false, none_rng, byte_tokenizer()).input_ids, batch.input_ids));
}

TEST(MaskedThought, MaskedCountIsBinomialAtTheRate) {
  const Batch batch = reverse_batch(256);
  const double p = 0.3;
  const int64_t candidates = batch.response.sum().item<int64_t>();
  const auto per_row_candidates = batch.response.sum(1);
  int64_t masked = 0, trials = 0;
  double squared_deviation = 0, expected_variance = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    const auto changed = mask_response_inputs(batch, p, false, rng, byte_tokenizer()).input_ids != batch.input_ids;
    masked += changed.sum().item<int64_t>();
    trials += candidates;
    // Per sequence k ~ Binomial(m, p): E (k - m p)^2 = m p (1 - p).
    const auto m = per_row_candidates.to(torch::kFloat64);
    squared_deviation += (changed.sum(1).to(torch::kFloat64) - m * p).pow(2).sum().item<double>();
    expected_variance += (m * p * (1 - p)).sum().item<double>();
  }
  // Binomial(trials, p): mean trials p, sd sqrt(trials p (1 - p)); 4 sd either side.
  const double sd = std::sqrt(double(trials) * p * (1 - p));
  EXPECT_NEAR(double(masked), double(trials) * p, 4 * sd) << masked << " of " << trials;
  // The spread too: masking round(m p) positions every time would have almost none.
  EXPECT_NEAR(squared_deviation / expected_variance, 1.0, 0.15);
}

TEST(MaskedThought, RateWarmsUpLinearlyThenHolds) {
  TrainingOptions o;
  o.steps = 300;
  o.masked_thought_rate = 0.4;
  o.masked_thought_warmup = 0.66;
  EXPECT_DOUBLE_EQ(masked_thought_rate_at(o, 0), 0.0);
  EXPECT_DOUBLE_EQ(masked_thought_rate_at(o, 99), 0.4 * 99 / (0.66 * 300 + 1));
  EXPECT_DOUBLE_EQ(masked_thought_rate_at(o, 250), 0.4);
  o.masked_thought_warmup = 0;
  EXPECT_DOUBLE_EQ(masked_thought_rate_at(o, 0), 0.4) << "no warm-up: the fixed rate";
}

}  // namespace
}  // namespace tb
