// Sampled decoding for on-policy training (GRPO, RFT) and for building preference pairs
// (DPO): temperature, then top-k, then top-p (nucleus, Holtzman et al. 2020), in the order
// and with the tie rules of transformers' TemperatureLogitsWarper, TopKLogitsWarper and
// TopPLogitsWarper; temperature 0 is greedy decoding. Draws come from a generator the
// caller seeds, so the same seed gives the same samples bit for bit.
#pragma once
#include <ATen/core/Generator.h>

#include <cstdint>
#include <vector>

#include "harness/model/generate.h"
#include "harness/model/llama.h"

namespace tb {

struct SamplingOptions {
  double temperature = 1.0;  // 0: argmax
  double top_p = 1.0;        // 1: off
  int64_t top_k = 0;         // 0: off
  int64_t max_new_tokens = 16;
};

// The next token of each row of `logits` (B, V).
torch::Tensor sample_next_tokens(const torch::Tensor& logits, const SamplingOptions& o, at::Generator& generator);

// One sampled continuation per prompt. Prompts may differ in length: rows of one length
// decode together with one KV cache (a group's G copies of a prompt always do). A row ends
// after a stop token, which it keeps (on-policy methods score it as an action), after the
// stop text, after max_new_tokens, or when the context is full.
std::vector<std::vector<int64_t>> sample_continuations(LlamaForCausalLM& model,
                                                       const std::vector<std::vector<int64_t>>& prompts,
                                                       const SamplingOptions& o, const StopRule& stop,
                                                       at::Generator& generator);

}  // namespace tb
