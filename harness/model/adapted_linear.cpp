#include "harness/model/adapted_linear.h"

#include <cmath>

namespace tb {

AdaptedLinearImpl::AdaptedLinearImpl(int64_t in, int64_t out, bool with_bias, WeightInit init)
    : in_features(in), out_features(out) {
  weight = register_parameter("weight", torch::empty({out, in}));
  // nn.Linear's default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)).
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  if (init == WeightInit::kRandom) {
    torch::NoGradGuard no_grad;
    weight.uniform_(-bound, bound);
  }
  if (with_bias) add_bias();
}

void AdaptedLinearImpl::add_bias() {
  if (!bias.defined())
    bias = register_parameter("bias", torch::zeros({out_features}, weight.options()));
}

torch::Tensor AdaptedLinearImpl::forward(const torch::Tensor& x) {
  torch::Tensor w = weight;
  for (auto& [name, adapter] : adapters_) w = adapter->adapt_weight(w);
  torch::Tensor y = torch::nn::functional::linear(x, w, bias);
  for (auto& [name, adapter] : adapters_) y = adapter->adapt(x, y);
  return y;
}

void AdaptedLinearImpl::add_adapter(const std::string& name,
                                    std::shared_ptr<LinearAdapter> adapter) {
  adapter->to(weight.device());  // an adapter lives where its base layer's weight does (PEFT's rule)
  register_module(name, adapter);
  adapters_.emplace_back(name, std::move(adapter));
}

void AdaptedLinearImpl::merge_adapters() {
  torch::NoGradGuard no_grad;
  for (auto& [name, adapter] : adapters_) {
    adapter->merge_into(weight, bias);
    unregister_module(name);
  }
  adapters_.clear();
}

}  // namespace tb
