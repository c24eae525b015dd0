#pragma once
#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo pissa_info();

// LoRA initialised from the top-r singular triplets of W; the residual stays frozen.
class Pissa : public LoraFamilyMethod {
 public:
  using LoraFamilyMethod::LoraFamilyMethod;
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  // PEFT's conversion of a PiSSA adapter to a plain LoRA one on the unmodified base
  // (save_pretrained with path_initial_model_for_weight_conversion): the trained factors
  // minus the initial ones, A' = [A; A0], B' = [B, -B0], so s B'A' = s BA - s B0A0 and
  // W + s B'A' = W_res + s BA; r and lora_alpha doubled (alpha x sqrt(2) with rsLoRA) keep
  // s. A0, B0 are recomputed from the base weights exactly as prepare() computed them.
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) override;
};

}  // namespace tb
