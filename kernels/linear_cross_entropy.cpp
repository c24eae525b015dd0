#include "kernels/linear_cross_entropy.h"

#include <torch/torch.h>

#include <limits>

namespace tb::kernels {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kIgnored = -100;

// Chunk [first, first + size) of the vocabulary: its logits (N, size) in fp32, formed in
// hidden's dtype.
torch::Tensor chunk_logits(const torch::Tensor& hidden, const torch::Tensor& weight, int64_t first, int64_t size) {
  return torch::matmul(hidden, weight.narrow(0, first, size).to(hidden.scalar_type()).t()).to(torch::kFloat32);
}

// Each target's column inside chunk [first, first + size) (clamped), and whether it lies there.
std::pair<torch::Tensor, torch::Tensor> targets_in_chunk(const torch::Tensor& targets, int64_t first, int64_t size) {
  const auto inside = (targets >= first) & (targets < first + size);
  return {(targets - first).clamp(0, size - 1).unsqueeze(1), inside};
}

struct LinearCrossEntropy : torch::autograd::Function<LinearCrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& hidden, const torch::Tensor& weight,
                               const torch::Tensor& targets, int64_t chunk) {
    const int64_t n = hidden.size(0), vocab = weight.size(0);
    const auto fp32 = hidden.options().dtype(torch::kFloat32);
    auto running_max = torch::full({n}, -std::numeric_limits<float>::infinity(), fp32);
    auto running_sum = torch::zeros({n}, fp32);
    auto target_logit = torch::zeros({n}, fp32);
    for (int64_t first = 0; first < vocab; first += chunk) {
      const int64_t size = std::min(chunk, vocab - first);
      const auto logits = chunk_logits(hidden, weight, first, size);
      const auto new_max = torch::maximum(running_max, std::get<0>(logits.max(1)));
      running_sum = running_sum * (running_max - new_max).exp() + (logits - new_max.unsqueeze(1)).exp().sum(1);
      running_max = new_max;
      const auto [column, inside] = targets_in_chunk(targets, first, size);
      target_logit = torch::where(inside, logits.gather(1, column).squeeze(1), target_logit);
    }
    const auto log_sum_exp = running_max + running_sum.log();
    ctx->save_for_backward({hidden, weight, targets, log_sum_exp});
    ctx->saved_data["chunk"] = chunk;
    return torch::where(targets != kIgnored, log_sum_exp - target_logit, torch::zeros_like(log_sum_exp));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &hidden = saved[0], &weight = saved[1], &targets = saved[2], &log_sum_exp = saved[3];
    const int64_t chunk = ctx->saved_data["chunk"].toInt(), vocab = weight.size(0);
    const auto g = grads[0].to(torch::kFloat32) * (targets != kIgnored).to(torch::kFloat32);
    auto grad_hidden = torch::zeros(hidden.sizes(), hidden.options().dtype(torch::kFloat32));
    torch::Tensor grad_weight;
    if (ctx->needs_input_grad(1)) grad_weight = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat32));
    for (int64_t first = 0; first < vocab; first += chunk) {
      const int64_t size = std::min(chunk, vocab - first);
      auto dz = (chunk_logits(hidden, weight, first, size) - log_sum_exp.unsqueeze(1)).exp_() * g.unsqueeze(1);
      const auto [column, inside] = targets_in_chunk(targets, first, size);
      dz.scatter_add_(1, column, (-g * inside.to(torch::kFloat32)).unsqueeze(1));
      const auto dz_compute = dz.to(hidden.scalar_type());
      grad_hidden += torch::matmul(dz_compute, weight.narrow(0, first, size).to(hidden.scalar_type()));
      if (grad_weight.defined()) grad_weight.narrow(0, first, size).copy_(torch::matmul(dz_compute.t(), hidden));
    }
    return {grad_hidden.to(hidden.scalar_type()),
            grad_weight.defined() ? grad_weight.to(weight.scalar_type()) : torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor linear_cross_entropy(const torch::Tensor& hidden, const torch::Tensor& weight,
                                   const torch::Tensor& targets, int64_t chunk) {
  TORCH_CHECK(hidden.dim() == 2 && weight.dim() == 2 && hidden.size(1) == weight.size(1),
              "linear_cross_entropy: hidden (N, C) and weight (V, C)");
  TORCH_CHECK(targets.dim() == 1 && targets.size(0) == hidden.size(0), "linear_cross_entropy: targets (N)");
  TORCH_CHECK(chunk > 0, "linear_cross_entropy: the chunk must be positive");
  return LinearCrossEntropy::apply(hidden, weight, targets, chunk);
}

torch::Tensor linear_cross_entropy_reference(const torch::Tensor& hidden, const torch::Tensor& weight,
                                             const torch::Tensor& targets) {
  const auto logits = torch::matmul(hidden, weight.to(hidden.scalar_type()).t()).to(torch::kFloat32);
  return torch::nn::functional::cross_entropy(
      logits, targets, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnored).reduction(torch::kNone));
}

}  // namespace tb::kernels
