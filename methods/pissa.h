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
};

}  // namespace tb
