#include "harness/model/generate.h"

namespace tb {

std::vector<int64_t> greedy_generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                                     int64_t max_new_tokens, bool use_cache, int64_t stop_token) {
  torch::NoGradGuard no_grad;
  const int64_t max_len = model->config.max_position_embeddings;
  std::vector<int64_t> tokens = prompt;
  std::vector<int64_t> out;
  KVCache cache;
  auto next_input = torch::tensor(prompt, torch::kInt64).unsqueeze(0);
  for (int64_t step = 0; step < max_new_tokens && int64_t(tokens.size()) < max_len; ++step) {
    const auto logits = use_cache ? model->forward(next_input, &cache)
                                  : model->forward(torch::tensor(tokens, torch::kInt64).unsqueeze(0));
    const int64_t next = logits.select(1, logits.size(1) - 1).argmax(-1).item<int64_t>();
    if (next == stop_token) break;
    out.push_back(next);
    tokens.push_back(next);
    next_input = torch::tensor({next}, torch::kInt64).unsqueeze(0);
  }
  return out;
}

double continuation_logprob(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                            const std::vector<int64_t>& continuation) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> tokens = prompt;
  tokens.insert(tokens.end(), continuation.begin(), continuation.end());
  const auto input = torch::tensor(tokens, torch::kInt64).unsqueeze(0);
  const auto logp = torch::log_softmax(model->forward(input).squeeze(0).to(torch::kFloat32), -1);  // (T, V)
  const int64_t first = int64_t(prompt.size()) - 1;  // position predicting continuation[0]
  const auto targets = torch::tensor(continuation, torch::kInt64);
  return logp.narrow(0, first, int64_t(continuation.size())).gather(1, targets.unsqueeze(1)).sum().item<double>();
}

}  // namespace tb
