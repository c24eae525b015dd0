#include "harness/train/pretrain_batches.h"

#include <torch/torch.h>

#include "harness/model/tokenizer.h"

namespace tb {

Batch make_pretrain_batch(Rng& rng, const MixtureWeights& weights, Split split, int64_t rows, int64_t seq_len) {
  auto tokens = torch::empty({rows, seq_len + 1}, torch::kInt64);
  auto a = tokens.accessor<int64_t, 2>();
  for (int64_t r = 0; r < rows; ++r) {
    int64_t filled = 0;
    while (filled < seq_len + 1) {
      std::vector<int64_t> doc = {kBosToken};
      for (int64_t t : encode_bytes(sample_mixture_document(rng, weights, split))) doc.push_back(t);
      doc.push_back(kEosToken);
      for (size_t i = 0; i < doc.size() && filled < seq_len + 1; ++i) a[r][filled++] = doc[i];
    }
  }
  return {tokens.narrow(1, 0, seq_len).contiguous(), tokens.narrow(1, 1, seq_len).contiguous()};
}

}  // namespace tb
