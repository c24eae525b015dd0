#pragma once
#include <torch/types.h>

namespace tb {

// input_ids: (B, T) int64; labels: (B, T) int64, labels[b, t] is the token that should
// follow input position t, or kIgnoreLabel (-100) where no loss is taken.
// response: (B, T) bool, true at the input positions that hold response tokens (SFT
// batches only; undefined for pretraining batches).
struct Batch {
  torch::Tensor input_ids, labels;
  torch::Tensor response;
};

}  // namespace tb
