// Full fine-tuning: every parameter of the model is trained (the baseline every PEFT
// paper compares with). Nothing to merge.
#include "methods/full_ft.h"

#include "methods/registry.h"

namespace tb {

std::vector<torch::Tensor> FullFineTuning::prepare(LlamaForCausalLM& model, const MethodContext&) {
  std::vector<torch::Tensor> params;
  for (auto& p : model->parameters()) {
    p.set_requires_grad(true);
    params.push_back(p);
  }
  return params;
}

MethodInfo full_ft_info() {
  return {"full_ft",
          "full fine-tuning: every parameter trained",
          {},
          nullptr,
          [](const nlohmann::json&) -> std::unique_ptr<Method> {
            return std::make_unique<FullFineTuning>();
          }};
}

}  // namespace tb
