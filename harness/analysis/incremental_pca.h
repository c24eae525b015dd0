// Incremental PCA (Ross et al., "Incremental Learning for Robust Visual Tracking",
// IJCV 2008), as scikit-learn's IncrementalPCA and PEFT's utils/incremental_pca.py
// compute it: batches are centred and stacked with the previous components scaled by
// their singular values and a mean-correction row, then one SVD gives the new
// components. Signs follow svd_flip(u_based_decision=False): the largest-magnitude
// entry of every component is positive. Computed in float64.
#pragma once
#include <torch/torch.h>

#include <cstdint>

namespace tb {

class IncrementalPca {
 public:
  explicit IncrementalPca(int64_t n_components) : n_components_(n_components) {}
  // X: (n, features); requires n >= n_components on the first call.
  void partial_fit(const torch::Tensor& X);

  int64_t n_components() const { return n_components_; }
  bool fitted() const { return seen_ > 0; }
  int64_t samples_seen() const { return seen_; }
  const torch::Tensor& components() const { return components_; }  // (k, features), unit rows
  const torch::Tensor& singular_values() const { return singular_values_; }  // (k)
  const torch::Tensor& explained_variance_ratio() const { return ratio_; }   // (k)
  const torch::Tensor& mean() const { return mean_; }

 private:
  int64_t n_components_;
  int64_t seen_ = 0;
  torch::Tensor mean_, var_, components_, singular_values_, ratio_;
};

}  // namespace tb
