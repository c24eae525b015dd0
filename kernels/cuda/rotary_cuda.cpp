// LibTorch wrapper of kernels/cuda/rotary.cu.
#include <torch/torch.h>

#include "kernels/cuda/element_type.h"
#include "kernels/cuda_dispatch.h"

namespace tb::kernels {

void rotary_cuda_(torch::Tensor& q, torch::Tensor& k, const torch::Tensor& cos, const torch::Tensor& sin, bool inverse) {
  TORCH_CHECK(q.is_contiguous() && k.is_contiguous() && q.scalar_type() == k.scalar_type(),
              "fused rotary embedding: contiguous q and k of one dtype");
  const c10::cuda::CUDAGuard on_device(q.device());
  const auto c = cos.to(torch::kFloat32).contiguous(), s = sin.to(torch::kFloat32).contiguous();
  const bool shared_positions = c.dim() == 2;  // (T, D); otherwise (B, 1, T, D)
  cuda::launch_rotary(q.data_ptr(), k.data_ptr(), c.data_ptr<float>(), s.data_ptr<float>(), q.size(0), q.size(2),
                      k.size(2), q.size(1), q.size(3), shared_positions, inverse, cuda::element_type(q),
                      cuda::current_stream());
}

}  // namespace tb::kernels
