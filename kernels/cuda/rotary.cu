// Fused rotary embedding of q and k (Su et al. 2021, "RoFormer", eq. 34, in Hugging Face's
// rotate_half layout): one launch rotates both in place; thread i takes one (d, d + D/2)
// pair of one head of one token. The LibTorch reference is kernels::rotary_reference
// (kernels/rotary_embedding.h).
#include <cuda_runtime.h>

#include "kernels/cuda/element_access.cuh"

namespace tb::kernels::cuda {
namespace {

__global__ void rotary_kernel(void* q, void* k, const float* cos, const float* sin, int64_t tokens, int64_t heads,
                              int64_t kv_heads, int64_t head_dim, int64_t q_pairs, int64_t total_pairs,
                              bool shared_positions, float sin_sign, ElementType type) {
  const int64_t half = head_dim / 2, stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total_pairs; i += stride) {
    const bool is_q = i < q_pairs;
    const int64_t local = is_q ? i : i - q_pairs, h_count = is_q ? heads : kv_heads;
    const int64_t d = local % half, row_head = local / half;  // row_head = (b * T + t) * H + h
    const int64_t token_row = row_head / h_count;            // b * T + t
    const int64_t table_row = shared_positions ? token_row % tokens : token_row;
    void* data = is_q ? q : k;
    const int64_t first = row_head * head_dim + d, second = first + half;
    const float x1 = load_float(data, first, type), x2 = load_float(data, second, type);
    const float c1 = cos[table_row * head_dim + d], c2 = cos[table_row * head_dim + d + half];
    const float s1 = sin_sign * sin[table_row * head_dim + d], s2 = sin_sign * sin[table_row * head_dim + d + half];
    store_float(data, first, x1 * c1 - x2 * s1, type);
    store_float(data, second, x2 * c2 + x1 * s2, type);
  }
}

}  // namespace

void launch_rotary(void* q, void* k, const float* cos, const float* sin, int64_t batch, int64_t heads,
                   int64_t kv_heads, int64_t tokens, int64_t head_dim, bool shared_positions, bool inverse,
                   ElementType type, void* cuda_stream) {
  const int64_t q_pairs = batch * tokens * heads * (head_dim / 2);
  const int64_t total_pairs = q_pairs + batch * tokens * kv_heads * (head_dim / 2);
  if (total_pairs == 0) return;
  constexpr int kThreads = 256;
  const int64_t wanted = (total_pairs + kThreads - 1) / kThreads;
  const unsigned grid = unsigned(wanted < 65536 ? wanted : 65536);
  rotary_kernel<<<grid, kThreads, 0, static_cast<cudaStream_t>(cuda_stream)>>>(
      q, k, cos, sin, tokens, heads, kv_heads, head_dim, q_pairs, total_pairs, shared_positions,
      inverse ? -1.0f : 1.0f, type);
  check_launch("rotary embedding");
}

}  // namespace tb::kernels::cuda
