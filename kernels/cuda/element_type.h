// A tensor's dtype as the kernels' ElementType, and the current CUDA stream, for the
// LibTorch wrappers of kernels/cuda (built with TUNEBENCH_CUDA only).
#pragma once
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/types.h>

#include "kernels/cuda/kernel_launches.h"

namespace tb::kernels::cuda {

inline ElementType element_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32: return ElementType::kFloat32;
    case torch::kFloat64: return ElementType::kFloat64;
    case torch::kBFloat16: return ElementType::kBFloat16;
    default: TORCH_CHECK(false, "tunebench's CUDA kernels take float32, float64 or bfloat16, not ", t.scalar_type());
  }
}

inline void* current_stream() { return static_cast<void*>(at::cuda::getCurrentCUDAStream().stream()); }

}  // namespace tb::kernels::cuda
