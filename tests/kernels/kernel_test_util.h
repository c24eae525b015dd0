// What the kernel tests share: skipping a _CUDA test where no GPU is, and comparing a fused
// result with its reference.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace tb::testing {

// Use first in a test named *_CUDA: skips it, saying why, where LibTorch sees no GPU.
#define TB_SKIP_WITHOUT_GPU()                                                                   \
  do {                                                                                          \
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no GPU visible to LibTorch: the CUDA kernel is not run here"; \
  } while (0)

// The largest |a - b| relative to the largest |b| (0 for two zero tensors).
inline double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = b.to(torch::kFloat64).abs().max().item<double>();
  const double diff = (a.to(torch::kFloat64).cpu() - b.to(torch::kFloat64).cpu()).abs().max().item<double>();
  return scale == 0 ? diff : diff / scale;
}

}  // namespace tb::testing
