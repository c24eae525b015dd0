// RMSNorm (Zhang & Sennrich 2019), as Llama uses it: y = w * x / sqrt(mean(x^2) + eps),
// computed in fp32 and cast back to x's dtype before the weight multiplies it.
// rms_norm is the plain LibTorch reference; fused_rms_norm runs the fused CUDA kernel
// (kernels/cuda/rms_norm.cu, forward and backward) for tensors on a GPU and the reference
// elsewhere.
#pragma once
#include <torch/types.h>

namespace tb::kernels {

// x: (..., C); weight: (C)
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The same, differentiable in x and weight, fused on a GPU.
torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace tb::kernels
