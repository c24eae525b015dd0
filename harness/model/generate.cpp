#include "harness/model/generate.h"

#include <algorithm>

namespace tb {

std::vector<int64_t> greedy_generate(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                                     int64_t max_new_tokens, bool use_cache,
                                     const std::vector<int64_t>& stop_tokens) {
  if (use_cache) return greedy_generate_batch(model, {prompt}, max_new_tokens, {.tokens = stop_tokens})[0];
  // The reference the cached path is tested against: the whole prefix, every step.
  torch::NoGradGuard no_grad;
  const int64_t max_len = model->config.max_position_embeddings - model->config.num_virtual_tokens;
  std::vector<int64_t> tokens = prompt;
  std::vector<int64_t> out;
  for (int64_t step = 0; step < max_new_tokens && int64_t(tokens.size()) < max_len; ++step) {
    const auto logits = model->forward(torch::tensor(tokens, torch::kInt64).unsqueeze(0));
    const int64_t next = logits.select(1, logits.size(1) - 1).argmax(-1).item<int64_t>();
    if (std::find(stop_tokens.begin(), stop_tokens.end(), next) != stop_tokens.end()) break;
    out.push_back(next);
    tokens.push_back(next);
  }
  return out;
}

double continuation_logprob(LlamaForCausalLM& model, const std::vector<int64_t>& prompt,
                            const std::vector<int64_t>& continuation) {
  return continuation_logprobs(model, {prompt}, {continuation})[0];
}

std::vector<std::vector<int64_t>> greedy_generate_batch(
    LlamaForCausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
    int64_t max_new_tokens, const StopRule& stop) {
  torch::NoGradGuard no_grad;
  const auto rows = int64_t(prompts.size());
  std::vector<std::vector<int64_t>> out(prompts.size());
  if (rows == 0) return out;
  const auto length = int64_t(prompts[0].size());
  auto input = torch::empty({rows, length}, torch::kInt64);
  for (int64_t r = 0; r < rows; ++r) {
    TORCH_CHECK(int64_t(prompts[size_t(r)].size()) == length,
                "prompts of one batch share a length");
    std::copy(prompts[size_t(r)].begin(), prompts[size_t(r)].end(), input[r].data_ptr<int64_t>());
  }
  const int64_t room =
      model->config.max_position_embeddings - model->config.num_virtual_tokens - length;
  std::vector<bool> done(prompts.size(), false);
  int64_t running = rows;
  KVCache cache;
  for (int64_t step = 0; step < std::min(max_new_tokens, room) && running > 0; ++step) {
    const auto logits = model->forward(input, &cache);
    const auto next = logits.select(1, logits.size(1) - 1).argmax(-1).cpu().contiguous();  // (B)
    const int64_t* ids = next.data_ptr<int64_t>();
    for (size_t r = 0; r < out.size(); ++r) {
      if (done[r]) continue;
      if (std::find(stop.tokens.begin(), stop.tokens.end(), ids[r]) != stop.tokens.end()) {
        done[r] = true;
      } else {
        out[r].push_back(ids[r]);
        // Only the newest tokens can complete the stop text (a token is at least a byte, or a
        // special token that decodes to nothing); one more, so that a decoder's handling of a
        // text's first token (SentencePiece drops its leading space) cannot hide it.
        const size_t tail = std::min(out[r].size(), stop.text.size() + 1);
        if (!stop.text.empty() &&
            stop.tokenizer->decode({out[r].end() - long(tail), out[r].end()}).find(stop.text) !=
                std::string::npos)
          done[r] = true;
      }
      running -= done[r];
    }
    input = next.unsqueeze(1);
  }
  return out;
}

std::vector<double> continuation_logprobs(LlamaForCausalLM& model,
                                          const std::vector<std::vector<int64_t>>& prompts,
                                          const std::vector<std::vector<int64_t>>& continuations,
                                          int64_t pad_token) {
  torch::NoGradGuard no_grad;
  TORCH_CHECK(prompts.size() == continuations.size(), "one continuation per prompt");
  std::vector<double> out(prompts.size(), 0.0);
  if (prompts.empty()) return out;
  size_t width = 0;
  for (size_t r = 0; r < prompts.size(); ++r)
    width = std::max(width, prompts[r].size() + continuations[r].size());
  const auto rows = int64_t(prompts.size());
  auto input = torch::full({rows, int64_t(width)}, pad_token, torch::kInt64);
  auto targets = torch::zeros({rows, int64_t(width)}, torch::kInt64);
  auto mask = torch::zeros({rows, int64_t(width)}, torch::kFloat32);
  for (size_t r = 0; r < prompts.size(); ++r) {
    std::vector<int64_t> tokens = prompts[r];
    tokens.insert(tokens.end(), continuations[r].begin(), continuations[r].end());
    std::copy(tokens.begin(), tokens.end(), input[int64_t(r)].data_ptr<int64_t>());
    for (size_t i = 0; i < continuations[r].size(); ++i) {
      const auto position = int64_t(prompts[r].size() + i - 1);  // predicts continuation[i]
      targets[int64_t(r)][position] = continuations[r][i];
      mask[int64_t(r)][position] = 1.0;
    }
  }
  const auto logp = torch::log_softmax(model->forward(input).to(torch::kFloat32), -1);  // (B, T, V)
  const auto picked = logp.gather(2, targets.to(logp.device()).unsqueeze(2)).squeeze(2);  // (B, T)
  const auto sums = (picked * mask.to(logp.device())).sum(1).cpu().contiguous();
  for (size_t r = 0; r < out.size(); ++r) out[r] = sums[int64_t(r)].item<double>();
  return out;
}

}  // namespace tb
