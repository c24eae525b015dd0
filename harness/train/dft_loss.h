// Dynamic Fine-Tuning's loss (Wu et al., "On the Generalization of SFT: A Reinforcement
// Learning Perspective with Reward Rectification", arXiv 2508.05629, Eq. 9; reference code
// yongliang-wu/DFT verl/verl/trainer/fsdp_dft_trainer.py): each response token's
// cross-entropy weighted by the token's own probability, detached,
//   loss = sum_t m_t (-sg(p_t) log p_t) / (sum_t m_t + 1e-8),  p_t = softmax(z_t)[y_t],
// over the positions whose label is not kIgnoreLabel. The trainer uses it for any method
// whose training option "loss" is "dft".
#pragma once
#include <string>

#include <torch/types.h>

namespace tb {

torch::Tensor dft_loss(const torch::Tensor& logits, const torch::Tensor& labels);

// The mean (loss "ce"), or DFT's probability-weighted mean (loss "dft"), of per-token
// cross-entropies (N) over the tokens whose label (N) is not kIgnoreLabel: the reduction
// of the full-logits DFT loss and of the fused one (harness/train/batch_loss.h).
torch::Tensor reduce_token_losses(const std::string& loss, const torch::Tensor& token_losses,
                                  const torch::Tensor& labels);

// The training loss named by TrainingOptions::loss: "ce" (causal_lm_loss) or "dft".
torch::Tensor training_loss(const std::string& loss, const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace tb
