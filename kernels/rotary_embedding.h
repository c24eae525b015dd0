// Rotary position embedding applied to queries and keys (Su et al. 2021, "RoFormer",
// eq. 34), in Hugging Face's rotate_half layout: x' = x cos + rotate_half(x) sin with
// rotate_half(x) = (-x[D/2:], x[:D/2]). rotary_reference is the plain LibTorch reference;
// rotary_qk rotates q and k with one fused launch on a GPU (kernels/cuda/rotary.cu, its
// backward the inverse rotation) and with the reference elsewhere.
#pragma once
#include <torch/types.h>

#include <utility>

namespace tb::kernels {

// x: (B, H, T, D); cos, sin: (T, D) or (B, 1, T, D).
torch::Tensor rotary_reference(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// q: (B, T, H, D), k: (B, T, Hkv, D) (the projections' layout) -> both rotated, same layout;
// differentiable in q and k.
std::pair<torch::Tensor, torch::Tensor> rotary_qk(const torch::Tensor& q, const torch::Tensor& k,
                                                  const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace tb::kernels
