// The fine-tuning method interface. A method decides what is trained (freeze, attach
// adapters, choose masks) and how it folds back into one dense model.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "harness/model/llama.h"

namespace tb {

class Method {
 public:
  virtual ~Method() = default;
  // Freezes what the method does not train and attaches what it adds; returns exactly
  // the parameters the optimiser updates. Random initialisation uses LibTorch's global
  // generator, which the worker seeds with the run's seed.
  virtual std::vector<torch::Tensor> prepare(LlamaForCausalLM& model) = 0;
  // Called after every optimiser step (mask refresh, regrowth, ...).
  virtual void after_step(int64_t step) {}
  // Folds everything the method added into the dense weights: afterwards the model is a
  // plain Llama, so evaluation and analysis see one kind of model.
  virtual void merge(LlamaForCausalLM& model) {}
};

// Sets requires_grad = false on every parameter of the model.
void freeze_all(torch::nn::Module& model);

}  // namespace tb
