#pragma once
#include "methods/policy_method.h"

namespace tb {

struct MethodInfo;
MethodInfo dpo_info();

// A preference pair as token ids: the prompt (BOS included), the chosen and the rejected
// completion (each ending with its stop token where it has one).
struct PreferencePair {
  std::vector<int64_t> prompt, chosen, rejected;
};

// DPO on pairs from a file or built from the task: see dpo.cpp.
class Dpo : public PolicyMethod {
 public:
  explicit Dpo(const nlohmann::json& hyperparameters);
  MethodLoss own_loss(LlamaForCausalLM& model, int64_t step, const MetricSink& log) override;
  nlohmann::json details() const override;
  const std::vector<PreferencePair>& pairs() const { return pairs_; }

 protected:
  void before_prepare(LlamaForCausalLM& model) override;

 private:
  void build_pairs_from_task(LlamaForCausalLM& model);

  double beta_;
  int64_t attempts_, pair_items_;
  std::string pairs_file_;  // empty: pairs built from the task
  std::vector<PreferencePair> pairs_;
  int64_t items_tried_ = 0;
};

}  // namespace tb
