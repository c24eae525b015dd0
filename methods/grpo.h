#pragma once
#include "methods/grpo_loss.h"
#include "methods/policy_method.h"
#include "methods/rollout.h"
#include "harness/train/completion_scoring.h"

namespace tb {

struct MethodInfo;
MethodInfo grpo_info();

struct GrpoOptions {
  int64_t group_size = 8;  // G completions per prompt
  int64_t iterations = 1;  // mu: optimiser steps per generation batch
  bool scale_rewards = true;
  GrpoLossOptions loss;
};

// GRPO with verifiable rewards; the loss is in methods/grpo_loss.h. Each generation step
// draws training.batch_size prompts, samples G completions of each from the current policy
// and scores them with the task's verifier; the next mu optimiser steps reuse that batch,
// with the log-probabilities it was sampled under as pi_old (for mu = 1, pi_old is the
// current policy detached, so the ratio is 1 and only its gradient acts, as in TRL).
class Grpo : public PolicyMethod {
 public:
  explicit Grpo(const nlohmann::json& hyperparameters);
  MethodLoss own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) override;
  nlohmann::json details() const override;
  void save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const override;
  void load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) override;

 private:
  // Samples, scores and stores the generation batch of `step`.
  void generate(LlamaForCausalLM& model, int64_t step, const MetricSink& log);

  GrpoOptions options_;
  // The current generation batch (kept in checkpoints while mu > 1).
  CompletionBatch batch_;
  torch::Tensor advantages_, old_logprobs_, reference_logprobs_;
  int64_t batch_step_ = -1;  // the step that generated it
  int64_t generations_ = 0;
  double reward_sum_ = 0;
};

}  // namespace tb
