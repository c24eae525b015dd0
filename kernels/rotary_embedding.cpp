#include "kernels/rotary_embedding.h"

#include <torch/torch.h>

#include "kernels/cuda_dispatch.h"

namespace tb::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

torch::Tensor rotate_half(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// Out of place on the way in, in place on the fresh copies; the backward pass rotates the
// gradients back (the rotation is orthogonal: its transpose is its inverse).
struct FusedRotary : torch::autograd::Function<FusedRotary> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& cos, const torch::Tensor& sin) {
    auto q_out = q.clone(at::MemoryFormat::Contiguous), k_out = k.clone(at::MemoryFormat::Contiguous);
    rotary_cuda_(q_out, k_out, cos, sin, /*inverse=*/false);
    ctx->save_for_backward({cos, sin});
    return {q_out, k_out};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto dq = grads[0].clone(at::MemoryFormat::Contiguous), dk = grads[1].clone(at::MemoryFormat::Contiguous);
    rotary_cuda_(dq, dk, saved[0], saved[1], /*inverse=*/true);
    return {dq, dk, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor rotary_reference(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  return x * cos.to(x.dtype()) + rotate_half(x) * sin.to(x.dtype());
}

std::pair<torch::Tensor, torch::Tensor> rotary_qk(const torch::Tensor& q, const torch::Tensor& k,
                                                  const torch::Tensor& cos, const torch::Tensor& sin) {
  if (q.is_cuda()) {
    const auto rotated = FusedRotary::apply(q, k, cos, sin);
    return {rotated[0], rotated[1]};
  }
  return {rotary_reference(q.transpose(1, 2), cos, sin).transpose(1, 2),
          rotary_reference(k.transpose(1, 2), cos, sin).transpose(1, 2)};
}

}  // namespace tb::kernels
