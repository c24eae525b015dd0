#pragma once
#include <string>
#include <vector>

#include "harness/model/adapted_linear.h"
#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo ia3_info();

struct Ia3Options {
  std::vector<std::string> target_modules = {"k_proj", "v_proj", "down_proj"};
  std::vector<std::string> feedforward_modules = {"down_proj"};  // scale the input, not the output
};

// A learned vector l (ones at the start): y = (W x) ⊙ l, or y = W (x ⊙ l) for
// feed-forward modules.
class Ia3Adapter : public LinearAdapter {
 public:
  Ia3Adapter(int64_t in, int64_t out, bool feedforward);
  torch::Tensor adapt_weight(const torch::Tensor& w) override;
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override;
  void merge_into(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor scaling;
  bool feedforward;
};

class Ia3 : public Method {
 public:
  explicit Ia3(Ia3Options o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override;  // W = diag(l) W, or W diag(l)
  // PEFT's IA3 adapter: ia3_l of shape (out, 1), or (1, in) for feed-forward modules.
  std::optional<PeftAdapter> peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) override;

 private:
  Ia3Options options_;
};

}  // namespace tb
