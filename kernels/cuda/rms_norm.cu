// Fused RMSNorm forward and backward (Zhang & Sennrich 2019, "Root Mean Square Layer
// Normalization", eqs. 4 and the gradient of section 3): one thread block per row; the
// row's mean square (forward) or mean(x_hat w dy) (backward) is reduced in shared memory in
// fp32, then every element is written in one pass. The LibTorch reference is
// kernels::rms_norm (kernels/rms_norm.h).
#include <cuda_runtime.h>

#include "kernels/cuda/element_access.cuh"

namespace tb::kernels::cuda {
namespace {

constexpr int kThreads = 256;

// The sum of `value` over the block's threads, returned to every thread.
__device__ float block_sum(float value) {
  __shared__ float partial[kThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = value;
  __syncthreads();
  float total = 0;
  for (int w = 0; w < kThreads / 32; ++w) total += partial[w];
  __syncthreads();  // partial is reused by the next call
  return total;
}

__global__ void rms_norm_forward_kernel(const void* x, const void* weight, void* y, float* inv_rms, int64_t cols,
                                        float eps, ElementType type, ElementType weight_type, ElementType y_type) {
  const int64_t base = int64_t(blockIdx.x) * cols;
  float squares = 0;
  for (int64_t c = threadIdx.x; c < cols; c += kThreads) {
    const float v = load_float(x, base + c, type);
    squares += v * v;
  }
  const float inv = rsqrtf(block_sum(squares) / float(cols) + eps);
  if (threadIdx.x == 0) inv_rms[blockIdx.x] = inv;
  for (int64_t c = threadIdx.x; c < cols; c += kThreads) {
    const float x_hat = round_to(load_float(x, base + c, type) * inv, type);
    store_float(y, base + c, load_float(weight, c, weight_type) * x_hat, y_type);
  }
}

__global__ void rms_norm_backward_kernel(const void* x, const void* weight, const void* dy, const float* inv_rms,
                                         void* dx, float* dweight_rows, int64_t cols, ElementType type,
                                         ElementType weight_type, ElementType y_type) {
  const int64_t base = int64_t(blockIdx.x) * cols;
  const float inv = inv_rms[blockIdx.x];
  float dot = 0;
  for (int64_t c = threadIdx.x; c < cols; c += kThreads)
    dot += load_float(dy, base + c, y_type) * load_float(weight, c, weight_type) * load_float(x, base + c, type) * inv;
  const float mean = block_sum(dot) / float(cols);
  for (int64_t c = threadIdx.x; c < cols; c += kThreads) {
    const float g = load_float(dy, base + c, y_type), x_hat = load_float(x, base + c, type) * inv;
    store_float(dx, base + c, inv * (g * load_float(weight, c, weight_type) - x_hat * mean), type);
    dweight_rows[base + c] = g * x_hat;
  }
}

}  // namespace

void launch_rms_norm_forward(const void* x, const void* weight, void* y, float* inv_rms, int64_t rows,
                             int64_t cols, float eps, ElementType type, ElementType weight_type,
                             ElementType y_type, void* cuda_stream) {
  if (rows == 0) return;
  rms_norm_forward_kernel<<<unsigned(rows), kThreads, 0, static_cast<cudaStream_t>(cuda_stream)>>>(
      x, weight, y, inv_rms, cols, eps, type, weight_type, y_type);
  check_launch("RMSNorm forward");
}

void launch_rms_norm_backward(const void* x, const void* weight, const void* dy, const float* inv_rms, void* dx,
                              float* dweight_rows, int64_t rows, int64_t cols, ElementType type,
                              ElementType weight_type, ElementType y_type, void* cuda_stream) {
  if (rows == 0) return;
  rms_norm_backward_kernel<<<unsigned(rows), kThreads, 0, static_cast<cudaStream_t>(cuda_stream)>>>(
      x, weight, dy, inv_rms, dx, dweight_rows, cols, type, weight_type, y_type);
  check_launch("RMSNorm backward");
}

}  // namespace tb::kernels::cuda
