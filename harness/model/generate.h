// Greedy decoding and teacher-forced scoring.
#pragma once
#include <cstdint>
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

}  // namespace tb
