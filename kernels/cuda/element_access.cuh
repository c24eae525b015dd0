// Loads and stores of the element types the kernels take (kernel_launches.h), in fp32
// (fp64 for float64 data), shared by the .cu files.
#pragma once
#include <cuda_bf16.h>

#include "kernels/cuda/kernel_launches.h"

namespace tb::kernels::cuda {

__device__ __forceinline__ float load_float(const void* data, int64_t i, ElementType type) {
  switch (type) {
    case ElementType::kFloat64: return float(static_cast<const double*>(data)[i]);
    case ElementType::kBFloat16: return __bfloat162float(static_cast<const __nv_bfloat16*>(data)[i]);
    default: return static_cast<const float*>(data)[i];
  }
}

__device__ __forceinline__ void store_float(void* data, int64_t i, float value, ElementType type) {
  switch (type) {
    case ElementType::kFloat64: static_cast<double*>(data)[i] = double(value); break;
    case ElementType::kBFloat16: static_cast<__nv_bfloat16*>(data)[i] = __float2bfloat16_rn(value); break;
    default: static_cast<float*>(data)[i] = value;
  }
}

// value rounded to `type` and back: what storing then loading would give.
__device__ __forceinline__ float round_to(float value, ElementType type) {
  return type == ElementType::kBFloat16 ? __bfloat162float(__float2bfloat16_rn(value)) : value;
}

// Throws std::runtime_error naming `what` if the last launch failed.
void check_launch(const char* what);

}  // namespace tb::kernels::cuda
