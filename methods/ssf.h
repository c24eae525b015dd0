#pragma once
#include "harness/model/adapted_linear.h"
#include "methods/method.h"

namespace tb {

struct MethodInfo;
MethodInfo ssf_info();

// y = γ ⊙ y + β over the last dimension; shift optional (the final norm has none).
class ScaleShift : public LinearAdapter {
 public:
  ScaleShift(int64_t dim, double init_std, bool with_shift);
  torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) override;
  // W = diag(γ) W, b = γ ⊙ b + β; needs a bias when there is a shift.
  void merge_into(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor gamma, beta;  // beta undefined without shift
};

class Ssf : public Method {
 public:
  explicit Ssf(double init_std) : init_std_(init_std) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  void merge(LlamaForCausalLM& model) override;

 private:
  double init_std_;
  struct NormSsf {
    RMSNorm norm;
    std::shared_ptr<ScaleShift> ssf;
    std::vector<AdaptedLinear> readers;  // the projections that read the norm's output
  };
  std::vector<NormSsf> norms_;
};

}  // namespace tb
