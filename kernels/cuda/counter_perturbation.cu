// MeZO's counter perturbation on a GPU (kernels/counter_perturbation.h): one launch over
// every parameter; thread i handles Philox block i of the concatenated parameters, finds its
// parameter by binary search over the segments, and adds scale * z to its four elements.
// Sums are rounded as the CPU path rounds them (no fused multiply-add), so CPU and GPU
// agree wherever their double-precision log, sin and cos round z alike.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include "kernels/cuda/element_access.cuh"
#include "kernels/philox.h"

namespace tb::kernels::cuda {
namespace {

__device__ int32_t segment_of(const PerturbationSegment* segments, int32_t count, int64_t block) {
  int32_t low = 0, high = count - 1;
  while (low < high) {  // the last segment whose first_block <= block
    const int32_t middle = (low + high + 1) / 2;
    if (segments[middle].first_block <= block) low = middle; else high = middle - 1;
  }
  return low;
}

__device__ void add_scaled(const PerturbationSegment& s, int64_t e, double z, double scale) {
  switch (s.type) {
    case ElementType::kFloat64: {
      double* p = static_cast<double*>(s.data) + e;
      *p = __dadd_rn(*p, __dmul_rn(scale, z));
      break;
    }
    case ElementType::kBFloat16: {
      __nv_bfloat16* p = static_cast<__nv_bfloat16*>(s.data) + e;
      const float rounded = __bfloat162float(__float2bfloat16_rn(float(z)));
      *p = __float2bfloat16_rn(__fadd_rn(__bfloat162float(*p), __fmul_rn(float(scale), rounded)));
      break;
    }
    default: {
      float* p = static_cast<float*>(s.data) + e;
      *p = __fadd_rn(*p, __fmul_rn(float(scale), float(z)));
    }
  }
}

__global__ void counter_perturbation_kernel(const PerturbationSegment* segments, int32_t count,
                                            int64_t total_blocks, uint64_t seed, double scale) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total_blocks; i += stride) {
    const PerturbationSegment s = segments[segment_of(segments, count, i)];
    const int64_t block = i - s.first_block;
    const Normal4 z = counter_normals(seed, s.stream, uint64_t(block));
    for (int slot = 0; slot < 4 && block * 4 + slot < s.numel; ++slot) add_scaled(s, block * 4 + slot, z.value[slot], scale);
  }
}

}  // namespace

void launch_counter_perturbation(const PerturbationSegment* segments, int32_t count, int64_t total_blocks,
                                 uint64_t seed, double scale, void* cuda_stream) {
  if (total_blocks == 0) return;
  constexpr int kThreads = 256;
  const int64_t wanted = (total_blocks + kThreads - 1) / kThreads;
  const unsigned grid = unsigned(wanted < 65536 ? wanted : 65536);
  counter_perturbation_kernel<<<grid, kThreads, 0, static_cast<cudaStream_t>(cuda_stream)>>>(
      segments, count, total_blocks, seed, scale);
  check_launch("counter perturbation");
}

}  // namespace tb::kernels::cuda
