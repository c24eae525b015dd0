#include "methods/posthoc.h"

#include <torch/torch.h>

#include <stdexcept>

namespace tb {

TensorMap linear_combination(const TensorMap& base, const std::vector<const TensorMap*>& parents,
                             const std::function<double(const std::string& name)>& base_coefficient,
                             const std::function<double(const std::string& name, size_t parent)>& coefficient) {
  for (size_t i = 0; i < parents.size(); ++i) {
    const TensorMap& parent = *parents[i];
    for (const auto& [name, tensor] : parent) {
      const auto it = base.find(name);
      if (it == base.end())
        throw std::runtime_error("parent " + std::to_string(i + 1) + " has a parameter the base model lacks: " + name +
                                 " (its method changed the architecture; weight-space methods need the base's "
                                 "parameters)");
      if (!it->second.sizes().equals(tensor.sizes()))
        throw std::runtime_error("parent " + std::to_string(i + 1) + " has " + name + " of shape " +
                                 c10::str(tensor.sizes()) + ", the base model " + c10::str(it->second.sizes()));
    }
    if (parent.size() != base.size())
      throw std::runtime_error("parent " + std::to_string(i + 1) + " lacks some of the base model's parameters");
  }
  torch::NoGradGuard no_grad;
  TensorMap out;
  for (const auto& [name, theta0] : base) {
    auto sum = theta0.to(torch::kFloat64) * base_coefficient(name);
    for (size_t i = 0; i < parents.size(); ++i) {
      const double b = coefficient(name, i);
      if (b != 0) sum.add_(parents[i]->at(name).to(torch::kFloat64), b);
    }
    out[name] = sum.to(theta0.scalar_type());
  }
  return out;
}

}  // namespace tb
