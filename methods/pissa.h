#pragma once
#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo pissa_info();

// LoRA initialised from the top-r singular triplets of W; the residual stays frozen.
class Pissa : public Method {
 public:
  explicit Pissa(LoraOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }

 private:
  LoraOptions options_;
};

}  // namespace tb
