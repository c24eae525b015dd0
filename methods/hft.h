#pragma once
#include <set>
#include <string>

#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo hft_info();

class HalfFineTuning : public Method {
 public:
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  // The projections left trainable by prepare(), by full name.
  const std::set<std::string>& trained() const { return trained_; }
  nlohmann::json details() const override { return {{"trained", trained_}}; }

 private:
  std::set<std::string> trained_;
};

}  // namespace tb
