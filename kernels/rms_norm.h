// RMSNorm (Zhang & Sennrich 2019), as Llama uses it: y = w * x / sqrt(mean(x^2) + eps),
// computed in fp32 and cast back to x's dtype. This is the LibTorch reference that any
// fused version (CUDA, later) is tested against.
#pragma once
#include <torch/types.h>

namespace tb::kernels {

// x: (..., C); weight: (C)
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace tb::kernels
