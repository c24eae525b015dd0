#include "kernels/rms_norm.h"

#include <torch/torch.h>

namespace tb::kernels {

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  const auto x32 = x.to(torch::kFloat32);
  const auto inv_rms = torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * (x32 * inv_rms).to(x.scalar_type());
}

}  // namespace tb::kernels
