#pragma once
#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo full_ft_info();

class FullFineTuning : public Method {
 public:
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
};

}  // namespace tb
