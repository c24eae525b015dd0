// A sparse update of a frozen projection weight: W' = W + scatter(indices, values),
// the representation SpIEL and LIFT share. Only `values` (k entries) is trained, so
// the optimiser's state is O(k), not O(out * in).
#pragma once
#include "harness/model/adapted_linear.h"

namespace tb {

class SparseDelta : public LinearAdapter {
 public:
  // indices: (k) int64 positions in the row-major flattened weight.
  explicit SparseDelta(const torch::Tensor& indices);
  torch::Tensor adapt_weight(const torch::Tensor& w) override;
  void merge_into(torch::Tensor& weight, torch::Tensor& bias) override;

  torch::Tensor indices;  // buffer, (k) int64
  torch::Tensor values;   // parameter, (k), zero at the start
  // While set, the next forward keeps the dense W' so that its gradient, dL/dW, can be
  // read after backward (SpIEL's candidate selection).
  bool capture_dense_gradient = false;
  torch::Tensor dense_gradient() const;  // dL/dW of the last captured step (out, in)

 private:
  torch::Tensor effective_weight_;
};

// k row-major positions of an (out, in) weight drawn uniformly without replacement
// with LibTorch's global generator, sorted.
torch::Tensor random_positions(int64_t numel, int64_t k);

}  // namespace tb
