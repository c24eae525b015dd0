// Rotary position embedding tables (Su et al. 2021, "RoFormer", eq. 34) in Hugging Face's
// rotate_half layout, with the frequency scalings of rope_scaling (transformers'
// modeling_rope_utils): linear position interpolation (Chen et al. 2023, "Extending Context
// Window of Large Language Models via Positional Interpolation", eq. 4), dynamic NTK
// (bloc97's NTK-aware base change, as transformers applies it), YaRN (Peng et al. 2023,
// "YaRN: Efficient Context Window Extension of Large Language Models", eqs. 17-23) and
// Llama 3.1's scaling.
#pragma once
#include <torch/torch.h>

#include "harness/model/llama_config.h"

namespace tb {

// cos and sin for the positions of one forward pass, ready to broadcast against
// (B, H, T, D): shape (T, D), or (B, 1, T, D) for per-row position ids.
struct RotaryTables {
  torch::Tensor cos, sin;
};

// inv_freq_i = theta^(-2i/d) for i < d/2 (d = head_dim), then scaled:
//   linear: inv_freq / factor;
//   dynamic: for a sequence of `length` > L (L = original_max_position_embeddings) the base
//     becomes theta (factor length / L - (factor - 1))^(d / (d - 2)); unchanged up to L;
//   yarn: inv_freq ((1 - w) / factor + w) with w = 1 - clamp((i - lo) / (hi - lo), 0, 1),
//     lo = floor(c(beta_fast)), hi = ceil(c(beta_slow)) clamped to [0, d - 1],
//     c(r) = d ln(L / (2 pi r)) / (2 ln theta): the dimension that turns r times over L;
//   llama3: wavelength w = 2 pi / inv_freq; w > L/low_freq_factor -> inv_freq / factor,
//     w < L/high_freq_factor -> inv_freq, otherwise (1 - s) inv_freq / factor + s inv_freq
//     with s = (L / w - low_freq_factor) / (high_freq_factor - low_freq_factor).
torch::Tensor rotary_inverse_frequencies(int64_t head_dim, double theta, const RopeScaling& scaling,
                                         int64_t length = 0);

// The factor cos and sin are multiplied by: YaRN's attention temperature sqrt(1/t) =
// 0.1 ln(factor) + 1 (or attention_factor when given); 1 for the other scalings.
double rotary_attention_factor(const RopeScaling& scaling);

// Tables for positions [0, length) of model c; for dynamic NTK the frequencies of a sequence
// of `length` tokens.
RotaryTables make_rotary_tables(const LlamaConfig& c, int64_t length);

// The rows of `full` (tables for positions [0, n)) at positions [start, start + t), or at
// position_ids (B, T) when defined.
RotaryTables rotary_slice(const RotaryTables& full, int64_t start, int64_t t, const torch::Tensor& position_ids);

// The tables of positions [0, length) as the model's buffers "cos" and "sin" (Hugging Face's
// LlamaModel.rotary_emb, whose tables are not saved either), so that they follow the model
// to its device. Derived from the config: checkpoints leave them out.
class RotaryEmbeddingImpl : public torch::nn::Module {
 public:
  RotaryEmbeddingImpl(const LlamaConfig& c, int64_t length, torch::Device device);
  RotaryTables tables() const { return {cos, sin}; }
  torch::Tensor cos, sin;  // (length, head_dim) fp32
};
TORCH_MODULE(RotaryEmbedding);

inline constexpr const char* kRotaryEmbeddingName = "rotary_emb";

}  // namespace tb
