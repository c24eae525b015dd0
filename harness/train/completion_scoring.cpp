#include "harness/train/completion_scoring.h"

#include <algorithm>

namespace tb {

CompletionBatch make_completion_batch(const std::vector<std::vector<int64_t>>& prompts,
                                      const std::vector<std::vector<int64_t>>& completions, int64_t pad_token) {
  TORCH_CHECK(prompts.size() == completions.size(), "one completion per prompt");
  size_t width = 1;
  for (size_t r = 0; r < prompts.size(); ++r)
    width = std::max(width, prompts[r].size() + completions[r].size() - 1);
  const auto rows = int64_t(prompts.size()), cols = int64_t(width);
  CompletionBatch b{torch::full({rows, cols}, pad_token, torch::kInt64), torch::zeros({rows, cols}, torch::kInt64),
                    torch::zeros({rows, cols}, torch::kFloat32)};
  auto in = b.input_ids.accessor<int64_t, 2>();
  auto target = b.targets.accessor<int64_t, 2>();
  auto mask = b.mask.accessor<float, 2>();
  for (size_t r = 0; r < prompts.size(); ++r) {
    TORCH_CHECK(!prompts[r].empty(), "a prompt holds at least its BOS token");
    std::vector<int64_t> tokens = prompts[r];
    tokens.insert(tokens.end(), completions[r].begin(), completions[r].end());
    for (size_t p = 0; p + 1 < tokens.size(); ++p) in[int64_t(r)][int64_t(p)] = tokens[p];
    for (size_t i = 0; i < completions[r].size(); ++i) {
      const auto position = int64_t(prompts[r].size() + i - 1);  // predicts completion[i]
      target[int64_t(r)][position] = completions[r][i];
      mask[int64_t(r)][position] = 1.0F;
    }
  }
  return b;
}

TokenScores score_completions(LlamaForCausalLM& model, const CompletionBatch& batch, double temperature,
                              bool with_entropy) {
  auto logits = model->forward(batch.input_ids).to(torch::kFloat32);
  if (temperature > 0 && temperature != 1.0) logits = logits / temperature;
  const auto logp = torch::log_softmax(logits, -1);  // (N, T, V)
  const auto mask = batch.mask.to(logp.device());
  const auto picked = logp.gather(2, batch.targets.to(logp.device()).unsqueeze(2)).squeeze(2);
  torch::Tensor entropy;
  if (with_entropy) {
    torch::NoGradGuard no_grad;
    entropy = -(logp.exp() * logp).sum(-1) * mask;
  }
  return {picked * mask, entropy};
}

torch::Tensor sequence_logprobs(const TokenScores& scores, const CompletionBatch&) {
  return scores.logprobs.sum(1);  // already 0 off the mask
}

}  // namespace tb
