#pragma once
#include <torch/types.h>

namespace tb {

// input_ids: (B, T) int64; labels: (B, T) int64, labels[b, t] is the token that should
// follow input position t, or kIgnoreLabel (-100) where no loss is taken.
// response: (B, T) bool, true at the input positions that hold response tokens (SFT
// batches only; undefined for pretraining batches).
// position_ids: (B, T) int64, each input's RoPE position when it is not its index (PoSE,
// harness/train/pose_positions.h); undefined otherwise.
struct Batch {
  torch::Tensor input_ids, labels;
  torch::Tensor response;
  torch::Tensor position_ids;
};

}  // namespace tb
