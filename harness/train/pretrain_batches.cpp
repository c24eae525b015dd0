#include "harness/train/pretrain_batches.h"

#include <torch/torch.h>

#include <optional>


namespace tb {
namespace {

std::vector<int64_t> next_document(Rng& rng, const MixtureWeights& weights, Split split, const Tokenizer& tok) {
  return tok.encode_document(sample_mixture_document(rng, weights, split));
}

}  // namespace

Batch make_pretrain_batch(Rng& rng, const MixtureWeights& weights, Split split, int64_t rows, int64_t seq_len,
                          const Tokenizer& tok) {
  const int64_t width = seq_len + 1;
  auto tokens = torch::empty({rows, width}, torch::kInt64);
  auto a = tokens.accessor<int64_t, 2>();
  std::optional<std::vector<int64_t>> deferred;  // starts the next row
  for (int64_t r = 0; r < rows; ++r) {
    int64_t filled = 0;
    while (filled < width) {
      std::vector<int64_t> doc;
      if (filled == 0 && deferred) {
        doc = std::move(*deferred);
        deferred.reset();
      } else {
        doc = next_document(rng, weights, split, tok);
      }
      const auto room = size_t(width - filled);
      if (doc.size() > room && filled > 0 && !deferred && int64_t(doc.size()) <= width) {
        deferred = std::move(doc);  // whole in the next row rather than cut here
        continue;
      }
      for (size_t i = 0; i < doc.size() && filled < width; ++i) a[r][filled++] = doc[i];
    }
  }
  return {tokens.narrow(1, 0, seq_len).contiguous(), tokens.narrow(1, 1, seq_len).contiguous()};
}

}  // namespace tb
