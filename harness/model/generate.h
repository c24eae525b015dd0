// Greedy decoding and teacher-forced scoring.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/llama.h"
#include "harness/text/tokenizer.h"

namespace tb {

// When greedy decoding ends a row before its budget: at any of `tokens` (not returned), or
// once the output decoded with `tokenizer` contains `text` (kept; needs the tokenizer).
struct StopRule {
  std::vector<int64_t> tokens;
  std::string text;
  const Tokenizer* tokenizer = nullptr;
};

// Greedy continuation of `prompt` (one sequence). Stops at a stop token (not returned),
// after `max_new_tokens`, or at max_position_embeddings. With use_cache, each step feeds
// one token and reuses the KV cache; without, it recomputes the whole prefix.
std::vector<int64_t> greedy_generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                                     int64_t max_new_tokens, bool use_cache = true,
                                     const std::vector<int64_t>& stop_tokens = {});

// Sum over the continuation of log p(token | everything before it).
double continuation_logprob(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                            const std::vector<int64_t>& continuation);

// Greedy continuations of prompts that all have the same length, decoded as one batch with
// one KV cache (the suites build their items to equal lengths for this). A row stops by
// `stop` or after `max_new_tokens`; decoding ends when every row has stopped or the context
// is full.
std::vector<std::vector<int64_t>> greedy_generate_batch(
    LlamaForCausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
    int64_t max_new_tokens, const StopRule& stop = {});

// continuation_logprob for several (prompt, continuation) pairs in one forward pass. Rows are
// padded on the right with `pad_token`: attention is causal, so padding never reaches a
// scored position.
std::vector<double> continuation_logprobs(LlamaForCausalLM& model,
                                          const std::vector<std::vector<int64_t>>& prompts,
                                          const std::vector<std::vector<int64_t>>& continuations,
                                          int64_t pad_token = 0);

}  // namespace tb
