#pragma once
#include "methods/policy_method.h"

namespace tb {

struct MethodInfo;
MethodInfo rft_info();

struct RftOptions {
  int64_t rounds = 2;            // sampling rounds, evenly spaced over the steps
  int64_t samples = 4;           // k completions per prompt and round
  int64_t prompts_per_round = 0;  // distinct training prompts sampled per round; 0: all
};

// Rejection-sampling fine-tuning: see rft.cpp.
class Rft : public PolicyMethod {
 public:
  explicit Rft(const nlohmann::json& hyperparameters);
  MethodLoss own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) override;
  nlohmann::json details() const override;
  void save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const override;
  void load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) override;

  // The accepted (prompt, completion) pairs of the current round.
  const std::vector<std::vector<int64_t>>& kept_prompts() const { return kept_prompts_; }
  const std::vector<std::vector<int64_t>>& kept_completions() const { return kept_completions_; }

 private:
  void sample_round(LlamaForCausalLM& model, int64_t round, int64_t step, const MetricSink& log);

  RftOptions options_;
  std::vector<std::vector<int64_t>> kept_prompts_, kept_completions_;
  int64_t round_ = -1;
  nlohmann::json round_log_ = nlohmann::json::array();  // per round: sampled, kept
};

}  // namespace tb
