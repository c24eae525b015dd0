// LibTorch wrapper of kernels/cuda/rms_norm.cu.
#include <torch/torch.h>

#include "kernels/cuda/element_type.h"
#include "kernels/cuda_dispatch.h"

namespace tb::kernels {

std::pair<torch::Tensor, torch::Tensor> rms_norm_forward_cuda(const torch::Tensor& x, const torch::Tensor& weight,
                                                              double eps) {
  const c10::cuda::CUDAGuard on_device(x.device());
  const auto input = x.contiguous();
  const auto w = weight.contiguous();
  const int64_t cols = input.size(-1), rows = input.numel() / cols;
  auto y = torch::empty(input.sizes(), input.options().dtype(torch::promote_types(x.scalar_type(), weight.scalar_type())));
  auto inv_rms = torch::empty({rows}, input.options().dtype(torch::kFloat32));
  cuda::launch_rms_norm_forward(input.data_ptr(), w.data_ptr(), y.data_ptr(), inv_rms.data_ptr<float>(), rows, cols,
                                float(eps), cuda::element_type(input), cuda::element_type(w), cuda::element_type(y),
                                cuda::current_stream());
  return {y, inv_rms};
}

std::pair<torch::Tensor, torch::Tensor> rms_norm_backward_cuda(const torch::Tensor& x, const torch::Tensor& weight,
                                                               const torch::Tensor& dy, const torch::Tensor& inv_rms) {
  const c10::cuda::CUDAGuard on_device(x.device());
  const auto input = x.contiguous();
  const auto w = weight.contiguous();
  const auto grad = dy.contiguous();
  const int64_t cols = input.size(-1), rows = input.numel() / cols;
  auto dx = torch::empty_like(input);
  auto dweight_rows = torch::empty({rows, cols}, input.options().dtype(torch::kFloat32));
  cuda::launch_rms_norm_backward(input.data_ptr(), w.data_ptr(), grad.data_ptr(), inv_rms.data_ptr<float>(),
                                 dx.data_ptr(), dweight_rows.data_ptr<float>(), rows, cols, cuda::element_type(input),
                                 cuda::element_type(w), cuda::element_type(grad), cuda::current_stream());
  return {dx, dweight_rows.sum(0).to(weight.scalar_type())};
}

}  // namespace tb::kernels
