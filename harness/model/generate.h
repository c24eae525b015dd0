// Greedy decoding and teacher-forced scoring.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/llama.h"

namespace tb {

// Greedy continuation of `prompt` (one sequence). Stops after `stop_token` (not
// returned) or `max_new_tokens`, or at max_position_embeddings. With use_cache, each
// step feeds one token and reuses the KV cache; without, it recomputes the whole prefix.
std::vector<int64_t> greedy_generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                                     int64_t max_new_tokens, bool use_cache = true,
                                     int64_t stop_token = 257);

// Sum over the continuation of log p(token | everything before it).
double continuation_logprob(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                            const std::vector<int64_t>& continuation);

// Greedy continuations of prompts that all have the same length, decoded as one batch with
// one KV cache (the suites build their items to equal lengths for this). A row stops at
// `stop_token` (not returned), when its decoded text contains `stop_text` (if non-empty;
// the text is kept), or after `max_new_tokens`; decoding ends when every row has stopped
// or the context is full.
std::vector<std::vector<int64_t>> greedy_generate_batch(
    LlamaForCausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
    int64_t max_new_tokens, int64_t stop_token = 257, const std::string& stop_text = "");

// continuation_logprob for several (prompt, continuation) pairs in one forward pass. Rows are
// padded on the right: attention is causal, so padding never reaches a scored position.
std::vector<double> continuation_logprobs(LlamaForCausalLM& model,
                                          const std::vector<std::vector<int64_t>>& prompts,
                                          const std::vector<std::vector<int64_t>>& continuations);

}  // namespace tb
