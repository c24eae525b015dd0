#pragma once
#include "methods/method.h"

namespace tb {

class FullFineTuning : public Method {
 public:
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model) override;
};

}  // namespace tb
