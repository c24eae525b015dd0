// Host-side entry points of the CUDA kernels in kernels/cuda/*.cu. Plain pointers and
// sizes, no LibTorch and no CUDA headers: the .cu files compile with nvcc alone, and the
// LibTorch wrappers (kernels/*.cpp, built with TUNEBENCH_CUDA) call these with a tensor's
// data and the current stream. Each kernel's reference is the LibTorch code beside its
// wrapper; tests/kernels/*_test.cpp compare the two (the _CUDA tests).
#pragma once
#include <cstdint>

namespace tb::kernels::cuda {

enum class ElementType : int32_t { kFloat32 = 0, kFloat64 = 1, kBFloat16 = 2 };

// One parameter of a counter perturbation: `numel` elements at `data`, counter stream
// `stream`, its first Philox block counted over all segments.
struct PerturbationSegment {
  void* data;
  int64_t numel;
  int64_t first_block;
  uint32_t stream;
  ElementType type;
};

// segments: device memory, `count` of them, ordered by first_block; total_blocks: the last
// segment's first_block plus its blocks. cuda_stream: a cudaStream_t.
void launch_counter_perturbation(const PerturbationSegment* segments, int32_t count, int64_t total_blocks,
                                 uint64_t seed, double scale, void* cuda_stream);

// RMSNorm over the last dimension of `rows` x `cols`: y = w * x_hat, x_hat = x * inv_rms
// rounded to x's type, inv_rms = 1 / sqrt(mean(x^2) + eps) in fp32, kept per row for the
// backward pass. x: `type`; weight: `weight_type`; y: `y_type` (fp32 when either is).
void launch_rms_norm_forward(const void* x, const void* weight, void* y, float* inv_rms, int64_t rows,
                             int64_t cols, float eps, ElementType type, ElementType weight_type,
                             ElementType y_type, void* cuda_stream);
// dx = inv_rms * (w dy - x_hat mean(x_hat w dy)) in x's type, x_hat = x inv_rms;
// dweight_rows: dy * x_hat per row (fp32, rows x cols), summed over rows by the caller.
// dy: `y_type`.
void launch_rms_norm_backward(const void* x, const void* weight, const void* dy, const float* inv_rms, void* dx,
                              float* dweight_rows, int64_t rows, int64_t cols, ElementType type,
                              ElementType weight_type, ElementType y_type, void* cuda_stream);

// Rotary embedding of q (B, T, H, D) and k (B, T, Hkv, D) in place, contiguous, in one
// launch: x' = x cos + rotate_half(x) sin computed in fp32, with cos and sin (rows, D) fp32
// where row = t (shared_positions) or b * T + t. inverse: sin negated, the transpose
// rotation (the backward pass), exact because Hugging Face's tables repeat each frequency
// in both halves (cos[d] = cos[d + D/2]).
void launch_rotary(void* q, void* k, const float* cos, const float* sin, int64_t batch, int64_t heads,
                   int64_t kv_heads, int64_t tokens, int64_t head_dim, bool shared_positions, bool inverse,
                   ElementType type, void* cuda_stream);

}  // namespace tb::kernels::cuda
