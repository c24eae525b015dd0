// Full fine-tuning: every parameter of the model is trained (the baseline every PEFT
// paper compares with). Nothing to merge.
#include "methods/full_ft.h"

namespace tb {

std::vector<torch::Tensor> FullFineTuning::prepare(LlamaForCausalLM& model) {
  std::vector<torch::Tensor> params;
  for (auto& p : model->parameters()) {
    p.set_requires_grad(true);
    params.push_back(p);
  }
  return params;
}

void freeze_all(torch::nn::Module& model) {
  for (auto& p : model.parameters()) p.set_requires_grad(false);
}

}  // namespace tb
