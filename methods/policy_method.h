// What the on-policy and preference methods (GRPO, DPO, RFT) share: they train either every
// weight or LoRA adapters ("parameters", as MeZO does, with LoRA's options), make their own
// loss from samples of the model, and take the task's items, verifier and reference model
// from the method context.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/model/sampling.h"
#include "harness/spec/schema.h"
#include "methods/method.h"

namespace tb {

class PolicyMethod : public Method {
 public:
  explicit PolicyMethod(const nlohmann::json& hyperparameters);
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model, const MethodContext& context) override;
  bool makes_own_loss() const override { return true; }
  void merge(LlamaForCausalLM& model) override { inner_->merge(model); }
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) override {
    return inner_->peft_adapter(tuned, base);
  }

 protected:
  // Called by prepare() with the untouched base model, before the inner method attaches
  // anything (DPO samples its rejected completions here).
  virtual void before_prepare(LlamaForCausalLM& model) {}

  MethodContext context_;
  SamplingOptions sampling_;
  std::string parameters_;

 private:
  std::unique_ptr<Method> inner_;
};

// "parameters", the sampling options (temperature, top_p, top_k, max_new_tokens) and LoRA's
// options, after the method's own fields.
Schema policy_schema(Schema own);
void check_policy_hyperparameters(const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where);

// Mean of `values` over the positions where `mask` is 1.
double masked_mean(const torch::Tensor& values, const torch::Tensor& mask);

}  // namespace tb
