// Prompts and their sampled completions as one batch, scored token by token under a model:
// what on-policy and preference losses are computed from. Rows are right-padded; attention
// is causal, so padding never reaches a scored position.
#pragma once
#include <cstdint>
#include <vector>

#include "harness/model/llama.h"

namespace tb {

struct CompletionBatch {
  torch::Tensor input_ids;  // (N, T): prompt then completion, minus the completion's last token
  torch::Tensor targets;    // (N, T): the token each position predicts (0 where unscored)
  torch::Tensor mask;       // (N, T) float: 1 at the positions that predict completion tokens
};

CompletionBatch make_completion_batch(const std::vector<std::vector<int64_t>>& prompts,
                                      const std::vector<std::vector<int64_t>>& completions, int64_t pad_token);

struct TokenScores {
  torch::Tensor logprobs;  // (N, T): log p(target | prefix) with logits / temperature; 0 off the mask
  torch::Tensor entropy;   // (N, T): entropy of that distribution (detached), 0 off the mask;
                           // undefined unless asked for
};

// Scores the completion tokens under `model`, with gradients unless a NoGradGuard is active.
// `temperature` divides the logits as it did when sampling (TRL's GRPOTrainer does the same).
// The entropy costs another pass over the (N, T, vocab) probabilities: only when asked.
TokenScores score_completions(LlamaForCausalLM& model, const CompletionBatch& batch, double temperature = 1.0,
                              bool with_entropy = false);

// Per-row sums of logprobs over the mask: sequence log-probabilities (N).
torch::Tensor sequence_logprobs(const TokenScores& scores, const CompletionBatch& batch);

}  // namespace tb
