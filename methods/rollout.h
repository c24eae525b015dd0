// Sampling completions of training items and scoring them with the task's verifier: the
// generation step that GRPO, RFT and DPO's pair building share. Every draw is seeded from
// the run's seed and the step, so a run (and a run resumed from a checkpoint) samples the
// same completions bit for bit.
#pragma once
#include <cstdint>
#include <vector>

#include "harness/data/task.h"
#include "harness/model/sampling.h"
#include "harness/text/tokenizer.h"
#include "harness/train/verifier.h"

namespace tb {

struct Rollout {
  std::vector<size_t> items;  // per row: the index of its item in the training items
  std::vector<std::vector<int64_t>> prompts, completions;  // completions keep their stop token
  std::vector<double> rewards;
  double seconds = 0;  // sampling time
};

// `copies` completions of each of `items` (indices into data.train), rows of one item
// adjacent (GRPO's groups), sampled from `model` in eval mode (it is left in the mode it was
// in) with a generator seeded with `seed`, and scored with `verify` on their text without
// the stop token. Rows end at the tokenizer's stop tokens, and for GSM8K's answer rules also
// after "Question:", as task_accuracy and lm-evaluation-harness stop.
Rollout roll_out(LlamaForCausalLM& model, const TaskData& data, const std::vector<size_t>& items, int64_t copies,
                 const SamplingOptions& o, const Tokenizer& tok, const Verifier& verify, uint64_t seed);

// A seed for (run seed, stream, step): SplitMix64 of their combination, non-negative as
// LibTorch takes seeds. Streams keep the draws of different purposes apart.
uint64_t step_seed(uint64_t run_seed, uint64_t stream, int64_t step);

// `count` indices below `n` drawn with replacement from a generator seeded with `seed`.
std::vector<size_t> draw_items(size_t n, int64_t count, uint64_t seed);

// The mean, over rows, of the completions' lengths in tokens.
double mean_completion_length(const Rollout& r);

}  // namespace tb
