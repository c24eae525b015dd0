#pragma once
#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo bitfit_info();

// Trains only the projections' biases, which it adds (zero) to the bias-free Llama.
class BitFit : public Method {
 public:
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
};

}  // namespace tb
