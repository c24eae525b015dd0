#include "harness/train/sft_batches.h"

#include <torch/torch.h>

#include "harness/model/llama.h"
#include "harness/train/item_encoding.h"

namespace tb {

Batch make_sft_batch(const std::vector<TaskItem>& items, const std::vector<size_t>& indices,
                     const Tokenizer& tok, int64_t max_tokens) {
  std::vector<std::vector<int64_t>> seqs;
  std::vector<size_t> answer_start;  // index in the sequence of the answer's first token
  size_t longest = 0;
  for (size_t i : indices) {
    auto [s, target] = item_ids(tok, items[i]);
    answer_start.push_back(s.size());
    s.insert(s.end(), target.begin(), target.end());
    if (int64_t(s.size()) > max_tokens + 1) s.resize(size_t(max_tokens + 1));
    longest = std::max(longest, s.size() - 1);
    seqs.push_back(std::move(s));
  }
  const int64_t b = int64_t(seqs.size()), t = int64_t(longest);
  auto input = torch::full({b, t}, tok.special().pad, torch::kInt64);
  auto labels = torch::full({b, t}, kIgnoreLabel, torch::kInt64);
  auto response = torch::zeros({b, t}, torch::kBool);
  auto in_a = input.accessor<int64_t, 2>();
  auto lab_a = labels.accessor<int64_t, 2>();
  auto resp_a = response.accessor<bool, 2>();
  for (int64_t r = 0; r < b; ++r) {
    const auto& s = seqs[r];
    for (size_t p = 0; p + 1 < s.size(); ++p) {
      in_a[r][p] = s[p];
      if (p + 1 >= answer_start[r]) lab_a[r][p] = s[p + 1];
      if (p >= answer_start[r]) resp_a[r][p] = true;
    }
  }
  return {input, labels, response};
}

std::vector<TaskItem> replay_rows(const std::vector<TaskItem>& current,
                                  const std::vector<const std::vector<TaskItem>*>& earlier, int64_t batch_size,
                                  double replay, Rng& rng) {
  size_t pooled = 0;
  for (const auto* items : earlier) pooled += items->size();
  std::vector<TaskItem> rows;
  for (int64_t i = 0; i < batch_size; ++i) {
    if (pooled == 0 || rng.uniform() >= replay) {
      rows.push_back(current[rng.below(current.size())]);
      continue;
    }
    size_t k = rng.below(pooled);
    auto items = earlier.begin();
    for (; k >= (*items)->size(); ++items) k -= (*items)->size();
    rows.push_back((**items)[k]);
  }
  return rows;
}

}  // namespace tb
