// DPO's loss (Rafailov et al. 2023, "Direct Preference Optimization", arXiv 2305.18290,
// eq. 7), the sigmoid loss of TRL's DPOTrainer: for a prompt x, a chosen y_w and a rejected
// y_l, with sequence log-probabilities (sums over the completion tokens) under the policy
// and the frozen reference,
//   h = beta [ (log pi(y_w|x) - log ref(y_w|x)) - (log pi(y_l|x) - log ref(y_l|x)) ]
//   L = -log sigmoid(h), averaged over pairs.
// The implicit rewards are beta (log pi - log ref) of each completion.
#pragma once
#include <torch/types.h>

namespace tb {

struct DpoLoss {
  torch::Tensor loss;            // scalar, with the graph of the policy log-probabilities
  double reward_accuracy = 0;    // share of pairs whose chosen reward exceeds the rejected one
  double reward_margin = 0;      // mean chosen minus rejected implicit reward
};

// All arguments (P): one entry per pair.
DpoLoss dpo_loss(const torch::Tensor& policy_chosen, const torch::Tensor& policy_rejected,
                 const torch::Tensor& reference_chosen, const torch::Tensor& reference_rejected, double beta);

}  // namespace tb
