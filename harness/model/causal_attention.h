// Causal scaled dot-product attention (Vaswani et al. 2017, eq. 1, with a causal mask), and
// LongLoRA's shifted sparse attention S²-Attn (Chen et al. 2024, "LongLoRA: Efficient
// Fine-tuning of Long-Context Large Language Models", §3.2 and Algorithm 1): the sequence
// is split into groups attended to separately, and half of the heads see the groups
// shifted by half a group, so information flows between neighbouring groups.
#pragma once
#include <torch/torch.h>

namespace tb {

// q: (B, H, T, D), k and v: (B, H, S, D) (S >= T: the last T keys are the queries' own
// positions, preceded by cached ones); the query at position start + i sees keys j <= start + i.
// On a GPU with LibTorch 2.x, a whole causal sequence (or one new query) goes through
// LibTorch's fused scaled_dot_product_attention (FlashAttention, Dao et al. 2022: the
// T x S scores are never held); elsewhere, and on the CPU always, the plain form below.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               int64_t start);

// q, k, v: (B, H, T, D) after RoPE, H even. The group size is G = ceil(T / groups) rounded
// up to even; the sequence is padded at the end to a multiple of G. Heads [0, H/2) attend
// causally within the groups [0, G), [G, 2G), ...; heads [H/2, H) have q, k and v rolled by
// -G/2 along the sequence first (so their groups are [G/2, 3G/2), ..., the last one
// wrapping round to the start) and their outputs rolled back by +G/2. One group (G >= T)
// is full causal attention.
torch::Tensor shifted_sparse_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                       int64_t groups);

}  // namespace tb
