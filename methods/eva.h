#pragma once
#include "methods/lora.h"

namespace tb {

struct MethodInfo;
MethodInfo eva_info();

struct EvaOptions {
  LoraOptions lora;
  double rho = 2.0;                    // components computed per layer: round(rho * r)
  double tau = 0.99;                   // convergence: cosine similarity of consecutive components
  bool whiten = false;                 // divide A's rows by sqrt(singular value)
  bool adjust_scaling_factors = true;  // alpha_l = alpha * r_l / r
  int64_t max_batches = 200;  // stop gathering after this many batches even if not converged
};

class Eva : public Method {
 public:
  explicit Eva(EvaOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }
  // The rank each target received (0: no adapter), by module name; set by prepare().
  const std::map<std::string, int64_t>& ranks() const { return ranks_; }
  int64_t batches_used() const { return batches_used_; }
  nlohmann::json details() const override {
    return {{"ranks", ranks_}, {"batches_used", batches_used_}};
  }

 private:
  EvaOptions options_;
  std::map<std::string, int64_t> ranks_;
  int64_t batches_used_ = 0;
};

}  // namespace tb
