// A bias-free projection that can carry adapters: y = W x, then y = adapter_k(x, y) for
// each attached adapter in order (He et al., "Towards a Unified View of
// Parameter-Efficient Transfer Learning", ICLR 2022: every PEFT method modifies some
// hidden state at some position). The weight is registered as "weight", so names match
// Hugging Face checkpoints ("...q_proj.weight"); adapters register under their name.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace tb {

class LinearAdapter : public torch::nn::Module {
 public:
  // x: (..., in) the projection's input; y: (..., out) its output so far.
  virtual torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) = 0;
  // Folds the adapter into weight (out, in) in place; afterwards adapt() is not needed.
  virtual void merge_into(torch::Tensor& weight) = 0;
};

class AdaptedLinearImpl : public torch::nn::Module {
 public:
  AdaptedLinearImpl(int64_t in_features, int64_t out_features);
  torch::Tensor forward(const torch::Tensor& x);

  void add_adapter(const std::string& name, std::shared_ptr<LinearAdapter> adapter);
  // Folds every adapter into the weight and removes it: one plain matrix again.
  void merge_adapters();
  bool has_adapters() const { return !adapters_.empty(); }

  int64_t in_features, out_features;
  torch::Tensor weight;  // (out, in)

 private:
  std::vector<std::pair<std::string, std::shared_ptr<LinearAdapter>>> adapters_;
};
TORCH_MODULE(AdaptedLinear);

}  // namespace tb
