#include "kernels/rms_norm.h"

#include <torch/torch.h>

#include "kernels/cuda_dispatch.h"

namespace tb::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct FusedRmsNorm : torch::autograd::Function<FusedRmsNorm> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight, double eps) {
    auto [y, inv_rms] = rms_norm_forward_cuda(x, weight, eps);
    ctx->save_for_backward({x, weight, inv_rms});
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto [dx, dweight] = rms_norm_backward_cuda(saved[0], saved[1], grads[0], saved[2]);
    return {dx, dweight, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  const auto x32 = x.to(torch::kFloat32);
  const auto inv_rms = torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * (x32 * inv_rms).to(x.scalar_type());
}

torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  if (!x.is_cuda()) return rms_norm(x, weight, eps);
  return FusedRmsNorm::apply(x, weight, eps);
}

}  // namespace tb::kernels
