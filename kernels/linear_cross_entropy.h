// Fused linear + cross-entropy in vocabulary chunks, never materialising the (N, V)
// logits: the per-token loss
//   loss_i = logsumexp_v(h_i . w_v) - h_i . w_{y_i}
// is accumulated chunk by chunk over the vocabulary with the online log-sum-exp of
// Milakov & Gimelshein 2018 ("Online normalizer calculation for softmax", algorithm 3), as
// Wijmans et al. 2024 ("Cut Your Losses in Large-Vocabulary Language Models", section 4)
// do. The backward pass recomputes each chunk's logits and forms
//   dz = g_i (softmax(z_i) - onehot(y_i)),  dh = sum_chunks dz W_c,  dW_c = dz^T h,
// so memory is N x chunk logits instead of N x V: for a 128k vocabulary and 8k tokens,
// 4 GiB of fp32 logits (and as much again for their gradient) become 256 MiB per chunk.
// Logits are formed in h's dtype (bf16 matmuls accumulate in fp32) and reduced in fp32,
// as the reference does.
#pragma once
#include <torch/types.h>

namespace tb::kernels {

// hidden: (N, C); weight: (V, C); targets: (N) int64, -100 where no loss is taken.
// -> (N) fp32 per-token losses, 0 at ignored tokens. Differentiable in hidden and weight.
torch::Tensor linear_cross_entropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                   const torch::Tensor& targets, int64_t chunk);

// The plain reference: full logits, then LibTorch's cross-entropy without reduction.
torch::Tensor linear_cross_entropy_reference(const torch::Tensor& hidden, const torch::Tensor& weight,
                                             const torch::Tensor& targets);

}  // namespace tb::kernels
