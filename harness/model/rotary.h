// Rotary position embedding tables (Su et al. 2021, "RoFormer", eq. 34) in Hugging Face's
// rotate_half layout, with the frequency scalings real checkpoints declare in rope_scaling
// (transformers' modeling_rope_utils: "linear" and "llama3").
#pragma once
#include <torch/torch.h>

#include "harness/model/llama_config.h"

namespace tb {

struct RotaryTables {
  torch::Tensor cos, sin;  // (max_positions, head_dim)
};

// inv_freq_i = theta^(-2i/d) for i < d/2, then scaled:
//   linear: inv_freq / factor;
//   llama3: wavelength w = 2 pi / inv_freq; w > L/low_freq_factor -> inv_freq / factor,
//     w < L/high_freq_factor -> inv_freq, otherwise (1 - s) inv_freq / factor + s inv_freq
//     with s = (L / w - low_freq_factor) / (high_freq_factor - low_freq_factor),
//     L = original_max_position_embeddings.
torch::Tensor rotary_inverse_frequencies(int64_t head_dim, double theta, const RopeScaling& scaling);

RotaryTables make_rotary_tables(const LlamaConfig& c);

// x: (B, H, T, D) at positions [start, start + T).
torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& rope, int64_t start);

}  // namespace tb
