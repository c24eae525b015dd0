#include "harness/model/sampling.h"

#include <algorithm>
#include <limits>
#include <map>

namespace tb {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// transformers' TopKLogitsWarper: every logit below the k-th largest is removed.
torch::Tensor keep_top_k(const torch::Tensor& scores, int64_t k) {
  if (k <= 0 || k >= scores.size(-1)) return scores;
  const auto kth = std::get<0>(scores.topk(k, -1)).select(-1, k - 1).unsqueeze(-1);
  return scores.masked_fill(scores < kth, kMinusInfinity);
}

// transformers' TopPLogitsWarper: sorted ascending, tokens whose cumulative probability is
// at most 1 - p are removed; the most likely token always stays.
torch::Tensor keep_top_p(const torch::Tensor& scores, double p) {
  if (p >= 1.0) return scores;
  const auto [sorted, order] = scores.sort(-1, /*descending=*/false);
  auto remove = sorted.softmax(-1).cumsum(-1) <= (1.0 - p);
  remove.select(-1, remove.size(-1) - 1).fill_(false);
  return scores.masked_fill(remove.scatter(-1, order, remove), kMinusInfinity);
}

bool ends_row(const std::vector<int64_t>& out, const StopRule& stop) {
  if (std::find(stop.tokens.begin(), stop.tokens.end(), out.back()) != stop.tokens.end()) return true;
  if (stop.text.empty()) return false;
  const size_t tail = std::min(out.size(), stop.text.size() + 1);  // as greedy_generate_batch
  return stop.tokenizer->decode({out.end() - long(tail), out.end()}).find(stop.text) != std::string::npos;
}

// Decodes rows that share a prompt length with one KV cache.
void sample_group(LlamaForCausalLM& model, const std::vector<std::vector<int64_t>>& prompts,
                  const std::vector<size_t>& rows, const SamplingOptions& o, const StopRule& stop,
                  at::Generator& generator, std::vector<std::vector<int64_t>>& out) {
  const auto length = int64_t(prompts[rows[0]].size());
  auto input = torch::empty({int64_t(rows.size()), length}, torch::kInt64);
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy(prompts[rows[r]].begin(), prompts[rows[r]].end(), input[int64_t(r)].data_ptr<int64_t>());
  const int64_t room = model->config.max_position_embeddings - model->config.num_virtual_tokens - length;
  std::vector<bool> done(rows.size(), false);
  size_t running = rows.size();
  KVCache cache;
  for (int64_t step = 0; step < std::min(o.max_new_tokens, room) && running > 0; ++step) {
    const auto logits = model->forward(input, &cache);
    const auto next = sample_next_tokens(logits.select(1, logits.size(1) - 1), o, generator).contiguous();
    const int64_t* ids = next.data_ptr<int64_t>();
    for (size_t r = 0; r < rows.size(); ++r) {
      if (done[r]) continue;
      out[rows[r]].push_back(ids[r]);
      done[r] = ends_row(out[rows[r]], stop);
      running -= done[r];
    }
    input = next.unsqueeze(1);
  }
}

}  // namespace

torch::Tensor sample_next_tokens(const torch::Tensor& logits, const SamplingOptions& o, at::Generator& generator) {
  if (o.temperature <= 0) return logits.argmax(-1).cpu();
  auto scores = logits.to(torch::kFloat32) / o.temperature;
  scores = keep_top_p(keep_top_k(scores, o.top_k), o.top_p);
  // Drawn on the CPU from the CPU generator: the same tokens whatever device computed the logits.
  return torch::multinomial(scores.softmax(-1).cpu(), 1, /*replacement=*/false, generator).squeeze(-1);
}

std::vector<std::vector<int64_t>> sample_continuations(LlamaForCausalLM& model,
                                                       const std::vector<std::vector<int64_t>>& prompts,
                                                       const SamplingOptions& o, const StopRule& stop,
                                                       at::Generator& generator) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<int64_t>> out(prompts.size());
  std::map<size_t, std::vector<size_t>> by_length;  // groups in order of length: a fixed draw order
  for (size_t i = 0; i < prompts.size(); ++i) by_length[prompts[i].size()].push_back(i);
  for (const auto& [length, rows] : by_length) sample_group(model, prompts, rows, o, stop, generator, out);
  return out;
}

}  // namespace tb
