#include "methods/dpo_loss.h"

#include <torch/torch.h>

namespace tb {

DpoLoss dpo_loss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                 const torch::Tensor& reference_chosen, const torch::Tensor& reference_rejected, double beta) {
  const auto chosen_reward = beta * (policy_chosen - reference_chosen);
  const auto rejected_reward = beta * (policy_rejected - reference_rejected);
  const auto h = chosen_reward - rejected_reward;
  DpoLoss out;
  out.loss = -torch::log_sigmoid(h).mean();
  torch::NoGradGuard no_grad;
  out.reward_accuracy = (chosen_reward > rejected_reward).to(torch::kFloat32).mean().item<double>();
  out.reward_margin = h.mean().item<double>();
  return out;
}

}  // namespace tb
