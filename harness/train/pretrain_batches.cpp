#include "harness/train/pretrain_batches.h"

#include <torch/torch.h>

#include <optional>

#include "harness/model/tokenizer.h"

namespace tb {
namespace {

std::vector<int64_t> next_document(Rng& rng, const MixtureWeights& weights, Split split) {
  std::vector<int64_t> doc = {kBosToken};
  for (int64_t t : encode_bytes(sample_mixture_document(rng, weights, split))) doc.push_back(t);
  doc.push_back(kEosToken);
  return doc;
}

}  // namespace

Batch make_pretrain_batch(Rng& rng, const MixtureWeights& weights, Split split, int64_t rows, int64_t seq_len) {
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
        doc = next_document(rng, weights, split);
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
