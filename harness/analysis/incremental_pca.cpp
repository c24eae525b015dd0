#include "harness/analysis/incremental_pca.h"

#include <cmath>

namespace tb {

void IncrementalPca::partial_fit(const torch::Tensor& batch) {
  const auto X = batch.to(torch::kFloat64);
  const int64_t n = X.size(0);
  TORCH_CHECK(seen_ > 0 || n >= n_components_,
              "incremental PCA: the first batch needs at least n_components rows");
  const auto batch_mean = X.mean(0);
  const auto batch_scatter = (X - batch_mean).pow(2).sum(0);  // unnormalised variance of the batch
  const int64_t total = seen_ + n;
  torch::Tensor stacked;
  if (seen_ == 0) {
    mean_ = batch_mean;
    var_ = batch_scatter / double(n);
    stacked = X - batch_mean;
  } else {
    // Chan et al.'s pairwise update of mean and variance.
    const auto delta = mean_ - batch_mean;
    const double weight = double(seen_) * double(n) / double(total);
    var_ = (var_ * double(seen_) + batch_scatter + weight * delta.pow(2)) / double(total);
    const auto correction = std::sqrt(weight) * delta;
    mean_ = (mean_ * double(seen_) + X.sum(0)) / double(total);
    stacked = torch::cat(
        {singular_values_.unsqueeze(1) * components_, X - batch_mean, correction.unsqueeze(0)}, 0);
  }
  auto [U, S, Vh] = torch::linalg_svd(stacked, /*full_matrices=*/false);
  const auto largest = Vh.abs().argmax(1, /*keepdim=*/true);
  Vh = Vh * torch::sign(Vh.gather(1, largest));
  const int64_t k = std::min<int64_t>(n_components_, S.size(0));
  components_ = Vh.narrow(0, 0, k).clone();
  singular_values_ = S.narrow(0, 0, k).clone();
  ratio_ = S.narrow(0, 0, k).pow(2) / (var_ * double(total)).sum();
  seen_ = total;
}

}  // namespace tb
