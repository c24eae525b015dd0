#pragma once
#include <string>
#include <vector>

#include "harness/model/adapted_linear.h"
#include "methods/method.h"

namespace tb {

struct LoraOptions {
  int64_t rank = 8;
  double alpha = 8.0;
  double dropout = 0.0;
  std::vector<std::string> target_modules = {"q_proj", "v_proj"};
};

// y = W0 x + (alpha / r) * B (A dropout(x)); A: (r, in), B: (out, r).
class LoraAdapter : public LinearAdapter {
 public:
  LoraAdapter(int64_t in, int64_t out, const LoraOptions& o);
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override;
  void merge_into(torch::Tensor& weight) override;
  torch::Tensor A, B;
  double scale, dropout;
};

class Lora : public Method {
 public:
  explicit Lora(LoraOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model) override;
  void merge(LlamaForCausalLM& model) override;

 private:
  LoraOptions options_;
};

}  // namespace tb
