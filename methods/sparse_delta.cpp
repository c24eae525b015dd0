#include "methods/sparse_delta.h"

namespace tb {

SparseDelta::SparseDelta(const torch::Tensor& indices_) {
  indices = register_buffer("indices", indices_.to(torch::kInt64));
  values = register_parameter("values", torch::zeros({indices.size(0)}));
}

torch::Tensor SparseDelta::adapt_weight(const torch::Tensor& w) {
  auto effective = w.reshape({-1}).index_add(0, indices, values).view_as(w);
  if (capture_dense_gradient && effective.requires_grad()) {
    effective.retain_grad();
    effective_weight_ = effective;
  }
  return effective;
}

torch::Tensor SparseDelta::dense_gradient() const {
  TORCH_CHECK(effective_weight_.defined() && effective_weight_.grad().defined(),
              "sparse delta: no captured gradient");
  return effective_weight_.grad();
}

void SparseDelta::merge_into(torch::Tensor& weight, torch::Tensor&) {
  weight.view({-1}).index_add_(0, indices, values.detach());
  values.detach().zero_();
}

torch::Tensor random_positions(int64_t numel, int64_t k) {
  return std::get<0>(torch::randperm(numel, torch::kInt64).narrow(0, 0, k).sort());
}

}  // namespace tb
