// GRPO's objective (Shao et al. 2024, "DeepSeekMath", arXiv 2402.03300, eq. 3), with the
// details of TRL's GRPOTrainer (_compute_loss): for completion i of a group and its token t,
//   r_i,t = exp(log pi(o_i,t) - log pi_old(o_i,t))
//   l_i,t = -min(r_i,t A_i, clip(r_i,t, 1 - eps_low, 1 + eps_high) A_i) + beta k3_i,t
//   k3_i,t = exp(ref_i,t - log pi) - (ref_i,t - log pi) - 1     (Schulman's k3, eq. 4)
// and the loss aggregates l over the completion tokens:
//   "grpo":    mean over completions of each completion's token mean (the paper's 1/|o_i|)
//   "dapo":    sum over all tokens / number of tokens (Yu et al. 2025, DAPO, eq. 8)
//   "dr_grpo": sum over all tokens / (completions x max_new_tokens) (Liu et al. 2025, Dr. GRPO)
// Advantages are group-normalised rewards, A_i = (R_i - mean_g R) / (std_g R + 1e-4) with
// the unbiased std as TRL computes it, or A_i = R_i - mean_g R without the std (Dr. GRPO).
#pragma once
#include <string>

#include <torch/types.h>

namespace tb {

struct GrpoLossOptions {
  double clip_low = 0.2, clip_high = 0.2;  // eps_low, eps_high
  double beta = 0.0;                       // KL coefficient; 0: no reference model
  std::string aggregation = "grpo";        // grpo | dapo | dr_grpo
  int64_t max_new_tokens = 0;              // dr_grpo's constant
};

// rewards (N) in groups of `group_size` consecutive rows -> advantages (N).
torch::Tensor group_advantages(const torch::Tensor& rewards, int64_t group_size, bool scale_by_std);

struct GrpoLoss {
  torch::Tensor loss;           // scalar, with the graph of `logprobs`
  double kl = 0;                // mean k3 over completion tokens (0 without a reference)
  double clip_fraction = 0;     // share of completion tokens where the clip is active
};

// logprobs, old_logprobs, ref_logprobs (ref may be undefined when beta = 0), mask: (N, T);
// advantages: (N).
GrpoLoss grpo_loss(const torch::Tensor& logprobs, const torch::Tensor& old_logprobs,
                   const torch::Tensor& ref_logprobs, const torch::Tensor& advantages, const torch::Tensor& mask,
                   const GrpoLossOptions& o);

}  // namespace tb
