#include "methods/rollout.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>

#include "harness/data/gsm8k.h"
#include "harness/data/rng.h"
#include "harness/train/item_encoding.h"

namespace tb {

Rollout roll_out(LlamaForCausalLM& model, const TaskData& data, const std::vector<size_t>& items, int64_t copies,
                 const SamplingOptions& o, const Tokenizer& tok, const Verifier& verify, uint64_t seed) {
  const auto& train = data.train;
  const auto start = std::chrono::steady_clock::now();
  Rollout r;
  for (size_t item : items) {
    const std::vector<int64_t> prompt = item_ids(tok, train[item]).prompt;
    for (int64_t c = 0; c < copies; ++c) {
      r.items.push_back(item);
      r.prompts.push_back(prompt);
    }
  }
  const bool was_training = model->is_training();
  model->eval();
  auto generator = at::detail::createCPUGenerator(seed);
  const auto& stop = tok.special().stop;
  const bool gsm8k = data.answer_match == AnswerNormalizer::kGsm8k || data.answer_match == AnswerNormalizer::kGsm8kFlexible;
  r.completions = sample_continuations(
      model, r.prompts, o, {.tokens = stop, .text = gsm8k ? gsm8k_stop_sequence() : "", .tokenizer = &tok}, generator);
  model->train(was_training);
  for (size_t i = 0; i < r.completions.size(); ++i) {
    std::vector<int64_t> text = r.completions[i];
    if (!text.empty() && std::find(stop.begin(), stop.end(), text.back()) != stop.end()) text.pop_back();
    r.rewards.push_back(verify(train[r.items[i]], tok.decode(text)));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

uint64_t step_seed(uint64_t run_seed, uint64_t stream, int64_t step) {
  Rng rng(run_seed ^ (stream * 0xd1b54a32d192ed03ULL) ^ (uint64_t(step + 1) * 0x9e3779b97f4a7c15ULL));
  return rng.next() >> 1;
}

std::vector<size_t> draw_items(size_t n, int64_t count, uint64_t seed) {
  Rng rng(seed);
  std::vector<size_t> out;
  for (int64_t i = 0; i < count; ++i) out.push_back(size_t(rng.below(n)));
  return out;
}

double mean_completion_length(const Rollout& r) {
  double total = 0;
  for (const auto& c : r.completions) total += double(c.size());
  return r.completions.empty() ? 0.0 : total / double(r.completions.size());
}

}  // namespace tb
