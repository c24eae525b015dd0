#pragma once
#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo dora_info();

// W' = m ⊙ (W0 + s B A) / ||W0 + s B A||_row, the norm detached.
class DoraAdapter : public LoraAdapter {
 public:
  // `bias` (undefined when the projection has none) stays outside the rescaling.
  DoraAdapter(const torch::Tensor& weight, const torch::Tensor& bias, int64_t rank, double scale, double dropout);
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override;
  void merge_into(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor magnitude_vector() const override { return magnitude; }
  torch::Tensor magnitude;  // (out), starts at ||W0||_row

 private:
  torch::Tensor weight_;  // the projection's frozen W0 (shared storage)
  torch::Tensor bias_;    // its bias, or undefined
};

class Dora : public LoraFamilyMethod {
 public:
  using LoraFamilyMethod::LoraFamilyMethod;
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
};

}  // namespace tb
