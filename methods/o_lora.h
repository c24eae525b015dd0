// O-LoRA (Wang et al. 2023, "Orthogonal Subspace Learning for Language Model Continual
// Learning", EMNLP Findings): each stage of a continual run trains a new LoRA (A_t, B_t) on
// the target projections while the earlier stages' adapters stay in the model, frozen, and
// the loss adds, over the target projections,
//   lambda_orth * Σ_{s<t} Σ_{j,k} |(A_s A_t^T)_{jk}|  +  lambda_l2 * (||A_t||_F + ||B_t||_F).
// The paper's Eq. 5 writes the overlap term with squared entries; the authors' released
// training code, which produced its results, sums absolute values (and norms, not squared
// norms, for the L2 term): we follow the code. On the first stage, or outside a continual
// run, there are no earlier adapters and O-LoRA is LoRA plus the L2 term. A merge folds every
// stage's adapter into the weights.
#pragma once
#include <vector>

#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo o_lora_info();

// lambda_orth * Σ_pairs Σ |old_A new_A^T|: the overlap of each new A (r, in) with the earlier
// A of the same projection (r', in).
torch::Tensor o_lora_overlap(const std::vector<std::pair<torch::Tensor, torch::Tensor>>& old_and_new,
                             double lambda_orth);

class OLora : public LoraFamilyMethod {
 public:
  OLora(LoraOptions o, double lambda_orth, double lambda_l2)
      : LoraFamilyMethod(std::move(o)), lambda_orth_(lambda_orth), lambda_l2_(lambda_l2) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model, const MethodContext& context) override;
  torch::Tensor loss_penalty() override;
  bool stacks_stages() const override { return true; }
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM&, LlamaForCausalLM&) override { return std::nullopt; }
  nlohmann::json details() const override;

 private:
  double lambda_orth_, lambda_l2_;
  int64_t stage_ = 0;  // earlier O-LoRA adapters found in the model
  std::vector<std::pair<torch::Tensor, torch::Tensor>> old_and_new_;  // (earlier A, this stage's A)
  std::vector<torch::Tensor> trained_;  // this stage's A and B
};

}  // namespace tb
