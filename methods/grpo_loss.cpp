#include "methods/grpo_loss.h"

#include <torch/torch.h>

#include <algorithm>

namespace tb {

torch::Tensor group_advantages(const torch::Tensor& rewards, int64_t group_size, bool scale_by_std) {
  const auto grouped = rewards.to(torch::kFloat32).view({-1, group_size});
  const auto centred = grouped - grouped.mean(1, /*keepdim=*/true);
  if (!scale_by_std) return centred.flatten();
  return (centred / (grouped.std(1, /*unbiased=*/true, /*keepdim=*/true) + 1e-4)).flatten();
}

GrpoLoss grpo_loss(const torch::Tensor& logprobs, const torch::Tensor& old_logprobs,
                   const torch::Tensor& ref_logprobs, const torch::Tensor& advantages, const torch::Tensor& mask,
                   const GrpoLossOptions& o) {
  const auto a = advantages.unsqueeze(1);
  const auto ratio = (logprobs - old_logprobs).exp();
  const auto clipped = ratio.clamp(1.0 - o.clip_low, 1.0 + o.clip_high);
  auto per_token = -torch::min(ratio * a, clipped * a);
  GrpoLoss out;
  const double tokens = std::max(mask.sum().item<double>(), 1.0);
  if (o.beta != 0.0) {
    const auto diff = ref_logprobs - logprobs;
    const auto k3 = diff.exp() - diff - 1;
    per_token = per_token + o.beta * k3;
    out.kl = (k3 * mask).sum().item<double>() / tokens;
  }
  {
    torch::NoGradGuard no_grad;
    const auto low = (ratio < 1.0 - o.clip_low) & (a < 0);
    const auto high = (ratio > 1.0 + o.clip_high) & (a > 0);
    out.clip_fraction = ((low | high).to(torch::kFloat32) * mask).sum().item<double>() / tokens;
  }
  const auto masked = per_token * mask;
  if (o.aggregation == "grpo") {
    out.loss = (masked.sum(1) / mask.sum(1).clamp_min(1.0)).mean();
  } else if (o.aggregation == "dapo") {
    out.loss = masked.sum() / tokens;
  } else {
    TORCH_CHECK(o.aggregation == "dr_grpo" && o.max_new_tokens > 0, "unknown GRPO aggregation ", o.aggregation);
    out.loss = masked.sum() / double(mask.size(0) * o.max_new_tokens);
  }
  return out;
}

}  // namespace tb
